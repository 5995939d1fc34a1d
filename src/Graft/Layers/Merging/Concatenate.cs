using System.Text.Json.Nodes;
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
        r[a] = shapes.Any(s => s[a] is null) ? null : shapes.Sum(s => s[a]!.Value);
        return r;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["axis"] = Axis; return c; }
}
