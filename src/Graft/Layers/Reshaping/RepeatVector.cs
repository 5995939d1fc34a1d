using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>(N, F) → (N, n, F): repeats each sample n times along a new axis.</summary>
public sealed class RepeatVector(int n, string? name = null) : Layer(name)
{
    /// <summary>Repetitions.</summary>
    public int N { get; } = n > 0 ? n : throw new ArgumentOutOfRangeException(nameof(n), $"RepeatVector: expected n >= 1, got {n}.");

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 2) throw new ArgumentException($"{Describe()}: expected input of rank 2, got shape {x.Shape}.");
        return Ops.Gather(Ops.ExpandDims(x, 1), new int[N], 1);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 2, " (batch, features)");
        return [s[0], N, s[1]];
    }
}
