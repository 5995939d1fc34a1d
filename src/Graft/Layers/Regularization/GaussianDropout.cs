using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Multiplies inputs by Gaussian noise of mean 1 and standard deviation √(rate / (1 − rate)) during
/// training only (Keras's <c>layers.GaussianDropout</c>).
/// </summary>
public sealed class GaussianDropout : Layer
{
    private readonly Generator? _generator;

    /// <param name="rate">Drop probability, in [0, 1), as for Dropout.</param>
    /// <param name="seed">Seed for repeatable noise; null uses the global generator.</param>
    /// <param name="name">Layer name.</param>
    public GaussianDropout(double rate, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), $"GaussianDropout: expected a rate in [0, 1), got {rate}.");
        Rate = rate; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Drop probability.</summary>
    public double Rate { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Rate == 0;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training || Rate == 0) return x;
        var noise = Tensor.RandomNormal(x.Shape.ToArray(), 1f, (float)Math.Sqrt(Rate / (1 - Rate)), _generator, x.Device);
        return Ops.Multiply(x, noise);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
