using Graft.Autograd;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>ONNX's <c>Div</c> and <c>Pow</c> between two computed tensors (Keras has no such merge layer), broadcasting as NumPy.</summary>
internal sealed class OnnxBinaryOp : Merge
{
    public static readonly string[] Operations = ["div", "pow", "matmul"];

    public OnnxBinaryOp(string operation, string? name = null) : base(name)
    {
        if (!Operations.Contains(operation)) throw new ArgumentException($"OnnxBinaryOp: expected an operation in {string.Join(", ", Operations)}, got '{operation}'.");
        Operation = operation;
    }

    public string Operation { get; }

    protected override Tensor Combine(IReadOnlyList<Tensor> xs)
    {
        if (xs.Count != 2) throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {xs.Count}.");
        return Operation switch
        {
            "div" => Ops.Divide(xs[0], xs[1]),
            "pow" => Ops.Power(xs[0], xs[1]),
            _ => Ops.MatMul(xs[0], xs[1]),
        };
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        if (Operation != "matmul") return base.ComputeOutputShape(shapes);
        if (shapes.Count != 2) throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {shapes.Count}.");
        var (a, b) = (shapes[0], shapes[1]);
        // Both operands carry the batch: the product runs per sample, over the last two axes.
        if (a.Length < 3 || a.Length != b.Length)
            throw new ArgumentException($"{Describe()}: expected two operands of one rank, 3 or more, got {FormatShape(a)} and {FormatShape(b)}.");
        if (a[^1] is { } k && b[^2] is { } kb && k != kb)
            throw new ArgumentException($"{Describe()}: expected inner dimensions to agree, got {FormatShape(a)} x {FormatShape(b)}.");
        for (int i = 1; i < a.Length - 2; i++)
            if (a[i] is { } p && b[i] is { } q && p != q)
                throw new ArgumentException($"{Describe()}: expected equal leading dimensions, got {FormatShape(a)} x {FormatShape(b)}.");
        return [.. a[..^1], b[^1]];
    }

}
