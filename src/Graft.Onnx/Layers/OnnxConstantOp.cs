using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// An element-wise ONNX operator between the input and a constant that the file holds (<c>Sub</c> of a mean
/// image, <c>Mul</c> by a scale): <c>x op c</c>, or <c>c op x</c> when <see cref="Reverse"/>. The constant is a
/// non-trainable weight, so it is saved with the model; its shape has the batch axis (of size 1) first and
/// broadcasts against the input as in NumPy.
/// </summary>
internal sealed class OnnxConstantOp : Layer
{
    public static readonly string[] Operations = ["add", "sub", "mul", "div", "pow", "max", "min"];
    private Variable? _constant;

    public OnnxConstantOp(string operation, int[] constantShape, bool reverse = false, string? name = null) : base(name)
    {
        if (!Operations.Contains(operation)) throw new ArgumentException($"OnnxConstantOp: expected an operation in {string.Join(", ", Operations)}, got '{operation}'.");
        if (constantShape.Length == 0 || constantShape[0] != 1 || constantShape.Any(d => d <= 0))
            throw new ArgumentException($"OnnxConstantOp: expected a constant shape with a leading batch axis of 1 and positive dimensions, got {OnnxLayers.Format(constantShape)}.");
        Operation = operation; ConstantShape = constantShape; Reverse = reverse;
    }

    public string Operation { get; }
    public int[] ConstantShape { get; }
    public bool Reverse { get; }

    public override void Build(int?[] inputShape)
    {
        _constant = AddWeight("constant", ConstantShape, new Zeros(), trainable: false);
        base.Build(inputShape);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        var c = _constant!.Value;
        var (a, b) = Reverse ? (c, x) : (x, c);
        return Operation switch
        {
            "add" => Ops.Add(a, b),
            "sub" => Ops.Subtract(a, b),
            "mul" => Ops.Multiply(a, b),
            "div" => Ops.Divide(a, b),
            "pow" => Ops.Power(a, b),
            "max" => Ops.Maximum(a, b),
            _ => Ops.Minimum(a, b),
        };
    }

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (ConstantShape.Length > inputShape.Length)
            throw new ArgumentException($"{Describe()}: expected an input of rank at least {ConstantShape.Length} (the constant's), got {FormatShape(inputShape)}.");
        var r = (int?[])inputShape.Clone();
        for (int k = 1; k <= ConstantShape.Length; k++)
        {
            int c = ConstantShape[^k];
            if (c == 1 || k == inputShape.Length) continue;
            if (r[^k] is { } d && d != 1 && d != c)
                throw new ArgumentException($"{Describe()}: expected an input that broadcasts with the constant of shape {OnnxLayers.Format(ConstantShape)}, got {FormatShape(inputShape)}.");
            r[^k] = c;
        }
        return r;
    }

}
