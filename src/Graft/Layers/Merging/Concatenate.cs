using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Joins the inputs along <see cref="Axis"/> (Keras's <c>layers.Concatenate</c>, default the last axis).</summary>
public sealed class Concatenate(int axis = -1, string? name = null) : Merge(name)
{
    /// <summary>The joined axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) => Ops.Concatenate(xs, Axis);

    /// <inheritdoc/>
    /// <remarks>
    /// As Keras's <c>Concatenate.compute_mask</c>: an input without a mask counts as kept everywhere;
    /// joined along the features (the last axis) a step is kept where any input keeps it, joined along
    /// another axis the masks are joined too.
    /// </remarks>
    protected internal override Tensor? MergeMask(IReadOnlyList<Tensor> inputs)
    {
        int rank = inputs[0].Rank, a = Axis < 0 ? Axis + rank : Axis;
        var masks = inputs.Select(x => x.Mask ?? Tensor.Ones(x.Shape.Dims[..^1], x.Device)).ToArray();
        if (masks.Any(m => m.Rank != rank - 1))
            throw new NotSupportedException($"{Describe()}: expected masks of one axis fewer than the inputs (a mask per step), got masks of shapes {string.Join(", ", masks.Select(m => m.Shape.ToString()))}.");
        if (a == rank - 1)
        {
            // any: 1 − Π(1 − m)
            var none = masks.Select(m => Ops.Subtract(Tensor.Scalar(1f), m)).Aggregate(Ops.Multiply);
            return Ops.Subtract(Tensor.Scalar(1f), none);
        }
        return Ops.Concatenate(masks, a);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        var r = (int?[])shapes[0].Clone();
        int a = Axis < 0 ? Axis + r.Length : Axis;
        if (a < 1 || a >= r.Length || shapes.Any(s => s.Length != r.Length))
            throw new ArgumentException($"{Describe()}: expected inputs of one rank with axis {Axis} after the batch axis, got shapes {string.Join(", ", shapes.Select(FormatShape))}.");
        for (int i = 1; i < r.Length; i++)
            if (i != a && shapes.Any(s => s[i] is { } d && r[i] is { } e && d != e))
                throw new ArgumentException($"{Describe()}: expected inputs that agree on every axis but {Axis}, got shapes {string.Join(", ", shapes.Select(FormatShape))}.");
        r[a] = shapes.Any(s => s[a] is null) ? null : ShapeRules.Dim(this, shapes.Sum(s => (long)s[a]!.Value), shapes[0], $"axis {Axis} joined");
        return r;
    }
}
