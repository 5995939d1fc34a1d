using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Dropout of whole feature volumes (Keras's <c>layers.SpatialDropout3D</c>): one mask value per
/// sample and channel of (batch, depth, height, width, channels), training only.
/// </summary>
public sealed class SpatialDropout3D : Layer
{
    private readonly Generator? _generator;

    /// <param name="rate">Fraction of channels dropped, in [0, 1).</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="seed">Seed, or null for the global generator.</param>
    /// <param name="name">Layer name.</param>
    public SpatialDropout3D(double rate, string dataFormat = "channels_last", long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"SpatialDropout3D: expected a rate in [0, 1), got {rate}.");
        Rate = (float)rate; Seed = seed;
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"SpatialDropout3D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
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
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        if (!training || Rate == 0f) return x;
        int[] shape = DataFormat == "channels_first" ? [x.Shape[0], x.Shape[1], 1, 1, 1] : [x.Shape[0], 1, 1, 1, x.Shape[4]];
        return Ops.Dropout(x, Rate, Ops.DropoutMask(shape, Rate, _generator));
    }
}
