using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Removes steps at the start and end of sequences (Keras's <c>layers.Cropping1D</c>): (batch, steps, features).</summary>
public sealed class Cropping1D : Layer
{
    /// <param name="cropping">Steps to cut: one integer for both ends, or (start, end); default (1, 1).</param>
    /// <param name="name">Layer name.</param>
    public Cropping1D(IntTuple? cropping = null, string? name = null) : base(name)
    {
        var c = (cropping ?? 1).PerAxis(2, 1, "Cropping1D", "cropping");
        if (c[0] < 0 || c[1] < 0) throw new ArgumentOutOfRangeException(nameof(cropping), $"Cropping1D: expected non-negative cropping, got ({c[0]}, {c[1]}).");
        Cropping = (c[0], c[1]);
    }

    /// <summary>(start, end).</summary>
    public (int Start, int End) Cropping { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        int n = x.Rank == 3 ? x.Shape[1] - Cropping.Start - Cropping.End : 0;
        if (n <= 0) throw new ArgumentException($"{Describe()}: expected sequences longer than the cropping {Cropping}, got shape {x.Shape}.");
        return Ops.Slice(x, [0, Cropping.Start, 0], [x.Shape[0], n, x.Shape[2]], [1, 1, 1]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        var r = (int?[])s.Clone();
        r[1] = ShapeRules.Dim(this, s[1] - ((long)Cropping.Start + Cropping.End), s, $"cropping {Cropping}");
        return r;
    }
}
