using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Sets a fraction <see cref="Rate"/> of inputs to zero during training and scales the rest by
/// 1 / (1 − rate); does nothing at inference (Keras's <c>layers.Dropout</c>).
/// </summary>
public sealed class Dropout : Layer
{
    private readonly Generator? _generator;

    /// <param name="rate">Fraction dropped, in [0, 1).</param>
    /// <param name="noiseShape">Mask shape broadcast against the input (1 shares the mask along an axis); null for the input's shape.</param>
    /// <param name="seed">Seed for repeatable masks; null uses the current context's generator.</param>
    /// <param name="name">Layer name.</param>
    public Dropout(double rate, int[]? noiseShape = null, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: expected a rate in [0, 1), got {rate}.");
        Rate = (float)rate; NoiseShape = noiseShape; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Fraction dropped.</summary>
    public float Rate { get; }
    /// <summary>Mask shape, or null.</summary>
    public int[]? NoiseShape { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Rate == 0f;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training || Rate == 0f) return x;
        var shape = NoiseShape is null ? x.Shape.ToArray() : NoiseShape.Select((d, i) => d <= 0 ? x.Shape[i] : d).ToArray();
        var mask = Ops.DropoutMask(shape, Rate, _generator);
        return Ops.Dropout(x, Rate, mask);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
