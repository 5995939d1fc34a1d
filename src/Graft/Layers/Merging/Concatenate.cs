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
