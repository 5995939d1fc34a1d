using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>Dropout of whole feature maps (one mask value per image and channel), training only.</summary>
public sealed class SpatialDropout2D : Layer
{
    private readonly Generator? _generator;

    /// <param name="rate">Fraction of channels dropped, in [0, 1).</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="seed">Seed, or null for the current context's generator.</param>
    /// <param name="name">Layer name.</param>
    public SpatialDropout2D(double rate, string dataFormat = "channels_last", long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"SpatialDropout2D: expected a rate in [0, 1), got {rate}.");
        Rate = (float)rate; DataFormat = dataFormat; Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Fraction dropped.</summary>
    public float Rate { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Rate == 0f;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training || Rate == 0f) return x;
        int[] shape = DataFormat == "channels_first" ? [x.Shape[0], x.Shape[1], 1, 1] : [x.Shape[0], 1, 1, x.Shape[^1]];
        return Ops.Dropout(x, Rate, Ops.DropoutMask(shape, Rate, _generator));
    }
}
