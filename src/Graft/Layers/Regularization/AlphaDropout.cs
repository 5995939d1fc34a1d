using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Dropout that keeps SELU's self-normalization (Keras's <c>layers.AlphaDropout</c>): during training,
/// dropped inputs are set to SELU's negative saturation −λα and the result is scaled and shifted,
/// a·x + b, so the mean and variance are kept; inference passes inputs through.
/// </summary>
public sealed class AlphaDropout : Layer
{
    // SELU's constants (keras/src/layers/regularization/alpha_dropout.py).
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    private readonly Generator? _generator;

    /// <param name="rate">Drop probability, in [0, 1).</param>
    /// <param name="noiseShape">Mask shape broadcast against the input (1 shares the mask along an axis, 0 or less takes the input's size); null for the input's shape.</param>
    /// <param name="seed">Seed for repeatable masks; null uses the global generator.</param>
    /// <param name="name">Layer name.</param>
    public AlphaDropout(double rate, int[]? noiseShape = null, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), $"AlphaDropout: expected a rate in [0, 1), got {rate}.");
        Rate = rate; NoiseShape = noiseShape; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Drop probability.</summary>
    public double Rate { get; }
    /// <summary>Mask shape, or null.</summary>
    public int[]? NoiseShape { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Rate == 0;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training || Rate == 0) return x;
        if (NoiseShape is { } ns && ns.Length != x.Rank)
            throw new ArgumentException($"{Describe()}: expected a noise_shape of rank {x.Rank}, got {Shape.Format(ns)} for input shape {x.Shape}.");
        var shape = NoiseShape is null ? x.Shape.ToArray() : NoiseShape.Select((d, i) => d <= 0 ? x.Shape[i] : d).ToArray();
        var kept = Ops.DropoutMask(shape, (float)Rate, _generator);
        double alphaP = -SeluAlpha * SeluScale;
        double a = Math.Pow((1 - Rate) * (1 + Rate * alphaP * alphaP), -0.5);
        double b = -a * alphaP * Rate;
        // x·kept + α′(1 − kept), then a·(…) + b.
        var dropped = Ops.Add(Ops.Multiply(x, kept), Ops.Multiply(Ops.Add(Ops.Negative(kept), 1f), (float)alphaP));
        return Ops.Add(Ops.Multiply(dropped, (float)a), (float)b);
    }
}
