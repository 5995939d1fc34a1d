using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>ONNX's <c>ReduceMean</c>, <c>ReduceSum</c>, <c>ReduceMax</c> and <c>ReduceMin</c> over <see cref="Axes"/> (after the batch axis).</summary>
internal sealed class OnnxReduce : Layer
{
    public static readonly string[] Operations = ["mean", "sum", "max", "min"];

    public OnnxReduce(string operation, int[] axes, bool keepdims = true, string? name = null) : base(name)
    {
        if (!Operations.Contains(operation)) throw new ArgumentException($"OnnxReduce: expected an operation in {string.Join(", ", Operations)}, got '{operation}'.");
        if (axes.Length == 0 || axes.Any(a => a < 1)) throw new ArgumentException($"OnnxReduce: expected axes after the batch axis, got {OnnxLayers.Format(axes)}.");
        Operation = operation; Axes = axes.Distinct().Order().ToArray(); Keepdims = keepdims;
    }

    public string Operation { get; }
    public int[] Axes { get; }
    public bool Keepdims { get; }

    protected override Tensor Forward(Tensor x, bool training) => Operation switch
    {
        "mean" => Ops.Mean(x, Axes, Keepdims),
        "sum" => Ops.Sum(x, Axes, Keepdims),
        "max" => Ops.Max(x, Axes, Keepdims),
        _ => Ops.Min(x, Axes, Keepdims),
    };

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (Axes[^1] >= inputShape.Length) throw new ArgumentException($"{Describe()}: expected an input with axis {Axes[^1]}, got {FormatShape(inputShape)}.");
        return Keepdims ? inputShape.Select((d, i) => Axes.Contains(i) ? 1 : d).ToArray() : inputShape.Where((_, i) => !Axes.Contains(i)).ToArray();
    }

}
