using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Reorders the non-batch axes; <see cref="Dims"/> are 1-based, as in Keras (<c>Permute((2, 1))</c>).</summary>
public sealed class Permute : Layer
{
    /// <param name="dims">A permutation of 1..rank−1.</param>
    /// <param name="name">Layer name.</param>
    public Permute(int[] dims, string? name = null) : base(name)
    {
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException($"Permute: expected a permutation of 1..{dims.Length}, got {Shape.Format(dims)}.");
        Dims = (int[])dims.Clone();
    }

    /// <summary>1-based permutation of the non-batch axes.</summary>
    public int[] Dims { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Dims.Length + 1) throw new ArgumentException($"{Describe()}: expected input of rank {Dims.Length + 1}, got shape {x.Shape}.");
        return Ops.Permute(x, [0, .. Dims]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, Dims.Length + 1);
        return [s[0], .. Dims.Select(d => s[d])];
    }
}
