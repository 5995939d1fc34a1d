using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>Adds zero-mean Gaussian noise during training only (Keras's <c>layers.GaussianNoise</c>).</summary>
public sealed class GaussianNoise : Layer
{
    private readonly Generator? _generator;

    /// <param name="stddev">Standard deviation of the noise (≥ 0).</param>
    /// <param name="seed">Seed for repeatable noise; null uses the current context's generator.</param>
    /// <param name="name">Layer name.</param>
    public GaussianNoise(double stddev, long? seed = null, string? name = null) : base(name)
    {
        if (!(stddev >= 0f) || !double.IsFinite(stddev)) throw new ArgumentOutOfRangeException(nameof(stddev), $"GaussianNoise: expected a finite stddev >= 0, got {stddev}.");
        Stddev = (float)stddev; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Noise standard deviation.</summary>
    public float Stddev { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Stddev == 0f;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) =>
        !training || Stddev == 0f ? x : Ops.Add(x, Tensor.RandomNormal(x.Shape.ToArray(), 0f, Stddev, _generator));

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
