using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Repeats each step of sequences (Keras's <c>layers.UpSampling1D</c>): (batch, steps, features) → (batch, steps · size, features).</summary>
public sealed class UpSampling1D : Layer
{
    /// <param name="size">How many times each step is repeated (≥ 1); default 2.</param>
    /// <param name="name">Layer name.</param>
    public UpSampling1D(int size = 2, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
    }

    /// <summary>Repetitions of each step.</summary>
    public int Size { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {x.Shape}.");
        return Ops.Gather(x, Enumerable.Range(0, x.Shape[1] * Size).Select(i => i / Size).ToArray(), 1);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        var r = (int?[])s.Clone();
        r[1] = ShapeRules.Dim(this, (long?)s[1] * Size, s, $"size {Size}");
        return r;
    }
}
