using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>Gather</c> with indices fixed in the file: the entries <see cref="Indices"/> along
/// <see cref="Axis"/> (after the batch axis); a scalar index (<see cref="Squeeze"/>) removes the axis.
/// </summary>
internal sealed class OnnxGather : Layer
{
    public OnnxGather(int axis, int[] indices, bool squeeze, string? name = null) : base(name)
    {
        if (axis < 1) throw new ArgumentException($"OnnxGather: expected an axis after the batch axis, got {axis}.");
        if (indices.Length == 0 || (squeeze && indices.Length != 1))
            throw new ArgumentException($"OnnxGather: expected at least one index (exactly one to squeeze), got {indices.Length}.");
        Axis = axis; Indices = indices; Squeeze = squeeze;
    }

    public int Axis { get; }
    public int[] Indices { get; }
    public bool Squeeze { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Ops.Gather(x, Indices, Axis);
        return Squeeze ? Ops.Squeeze(y, Axis) : y;
    }

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (Axis >= inputShape.Length) throw new ArgumentException($"{Describe()}: expected an input with axis {Axis}, got {FormatShape(inputShape)}.");
        if (inputShape[Axis] is { } n && Indices.Any(i => i < 0 || i >= n))
            throw new ArgumentException($"{Describe()}: expected indices in [0, {n}) on axis {Axis}, got {OnnxLayers.Format(Indices)}.");
        var r = inputShape.ToList();
        if (Squeeze) r.RemoveAt(Axis); else r[Axis] = Indices.Length;
        return r.ToArray();
    }

}
