using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Solarizes each image during training: on the [0, 255] scale, adds a random amount a, clips to
/// [0, 255] and replaces every value v at or above a random threshold t by 255 − v; the identity at
/// inference (Keras's <c>layers.Solarization</c>). Input and output: (batch, height, width,
/// channels) or one image, in any layout.
/// </summary>
/// <remarks>
/// As in Keras 3's code (<c>solarization.py</c>), a factor range (low, high) draws the addition and
/// the threshold per image from [low, 255·high]: only the upper end is scaled to the [0, 255] scale.
/// The defaults (0, 0) add nothing and use threshold 0, so every value is inverted.
/// </remarks>
public sealed class Solarization : Layer
{
    private readonly Generator? _generator;

    /// <param name="additionFactor">f (range (0, f)) or (low, high), in [0, 1]: the amount added before thresholding, as a fraction of 255.</param>
    /// <param name="thresholdFactor">f (range (0, f)) or (low, high), in [0, 1]: the threshold, as a fraction of 255.</param>
    /// <param name="valueRange">The range of the pixel values; (0, 255) by default (either order).</param>
    /// <param name="seed">Seed for repeatable draws; null uses the current context's generator.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The value range is not two different finite numbers, or the data format is unknown.</exception>
    public Solarization(AugmentationFactor? additionFactor = null, AugmentationFactor? thresholdFactor = null, (double Low, double High)? valueRange = null,
        long? seed = null, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var (al, ah) = (additionFactor ?? 0f).Bounds(0f, 1f, "addition_factor", Describe());
        var (tl, th) = (thresholdFactor ?? 0f).Bounds(0f, 1f, "threshold_factor", Describe());
        AdditionFactor = new AugmentationFactor(al, ah);
        ThresholdFactor = new AugmentationFactor(tl, th);
        ValueRange = ValueRanges.Sorted(valueRange, Describe());
        Seed = seed;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The (low, high) range of additions: drawn from [low, 255·high].</summary>
    public AugmentationFactor AdditionFactor { get; }
    /// <summary>The (low, high) range of thresholds: drawn from [low, 255·high].</summary>
    public AugmentationFactor ThresholdFactor { get; }
    /// <summary>The pixel value range, sorted.</summary>
    public (float Low, float High) ValueRange { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training) return x;
        var (images, _) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());   // checks the rank
        int n = images.Shape[0];
        var generator = _generator ?? GraftContext.Current.Generator;
        var additions = ImageLayout.Uniform(generator, n, AdditionFactor.Low, AdditionFactor.High * 255f);
        var thresholds = ImageLayout.Uniform(generator, n, ThresholdFactor.Low, ThresholdFactor.High * 255f);
        // Elementwise, so the layout does not matter: image b is the b-th block of the batch.
        var v = x.ToArray();
        ValueRanges.Map(v, ValueRange, ValueRanges.Bytes);
        int per = v.Length / n;
        for (int i = 0; i < v.Length; i++)
        {
            float r = Math.Clamp(v[i] + additions[i / per], 0f, 255f);
            v[i] = r < thresholds[i / per] ? r : 255f - r;
        }
        ValueRanges.Map(v, ValueRanges.Bytes, ValueRange);
        return Tensor.FromArray(v, x.Shape.Dims);
    }
}
