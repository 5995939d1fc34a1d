using Graft.Autograd;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>ONNX's <c>Div</c> and <c>Pow</c> between two computed tensors (Keras has no such merge layer), broadcasting as NumPy.</summary>
internal sealed class OnnxBinaryOp : Merge
{
    public static readonly string[] Operations = ["div", "pow"];

    public OnnxBinaryOp(string operation, string? name = null) : base(name)
    {
        if (!Operations.Contains(operation)) throw new ArgumentException($"OnnxBinaryOp: expected an operation in {string.Join(", ", Operations)}, got '{operation}'.");
        Operation = operation;
    }

    public string Operation { get; }

    protected override Tensor Combine(IReadOnlyList<Tensor> xs)
    {
        if (xs.Count != 2) throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {xs.Count}.");
        return Operation == "div" ? Ops.Divide(xs[0], xs[1]) : Ops.Power(xs[0], xs[1]);
    }

}
