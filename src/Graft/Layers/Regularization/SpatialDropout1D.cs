using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Dropout of whole feature channels of sequences (Keras's <c>layers.SpatialDropout1D</c>): one mask
/// value per sample and channel of (batch, steps, channels), training only.
/// </summary>
public sealed class SpatialDropout1D : Layer
{
    private readonly Generator? _generator;

    /// <param name="rate">Fraction of channels dropped, in [0, 1).</param>
    /// <param name="seed">Seed, or null for the global generator.</param>
    /// <param name="name">Layer name.</param>
    public SpatialDropout1D(double rate, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"SpatialDropout1D: expected a rate in [0, 1), got {rate}.");
        Rate = (float)rate; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Fraction dropped.</summary>
    public float Rate { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Rate == 0f;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {x.Shape}.");
        if (!training || Rate == 0f) return x;
        return Ops.Dropout(x, Rate, Ops.DropoutMask([x.Shape[0], 1, x.Shape[2]], Rate, _generator));
    }
}
