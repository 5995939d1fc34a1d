using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Scales each image's deviation from its per-channel mean by a random factor during training,
/// (x − mean)·factor + mean clipped to the value range; the identity at inference (Keras's
/// <c>layers.RandomContrast</c>). Input and output: (batch, height, width, channels) or one image,
/// or channels first.
/// </summary>
/// <remarks>
/// The factor range follows Keras 3's code (<c>random_contrast.py</c>, through
/// <c>BaseImagePreprocessingLayer._set_factor</c> with bounds [0, 1]): one number f draws contrast
/// factors in [1, 1 + f] (only more contrast); a pair (low, high) draws them in [1 − low, 1 + high].
/// </remarks>
public sealed class RandomContrast : Layer
{
    private readonly Generator? _generator;

    /// <param name="factor">f (contrast factors in [1, 1 + f]) or (low, high) (factors in [1 − low, 1 + high]); values in [0, 1].</param>
    /// <param name="valueRange">The range of the pixel values, which the output is clipped to; (0, 255) by default.</param>
    /// <param name="seed">Seed for repeatable factors; null uses the current context's generator.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The value range is empty or reversed, or the data format is unknown.</exception>
    public RandomContrast(AugmentationFactor factor, (double Low, double High)? valueRange = null, long? seed = null, string? dataFormat = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var (lower, upper) = factor.Bounds(0f, 1f, "factor", Describe());
        Factor = new AugmentationFactor(lower, upper);
        ValueRange = valueRange is { } range ? ((float)range.Low, (float)range.High) : (0f, 255f);
        if (!(ValueRange.Low < ValueRange.High) || !float.IsFinite(ValueRange.Low) || !float.IsFinite(ValueRange.High))
            throw new ArgumentException($"{Describe()}: expected value_range (low, high) with finite low < high, got {ValueRange}.", nameof(valueRange));
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The (lower, upper) range: contrast factors lie in [1 − lower, 1 + upper].</summary>
    public AugmentationFactor Factor { get; }
    /// <summary>The pixel value range the output is clipped to.</summary>
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
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int n = images.Shape[0];
        var factors = ImageLayout.Uniform(_generator ?? GraftContext.Current.Generator, n, 1f - Factor.Low, 1f + Factor.High);
        var mean = Ops.Mean(images, [1, 2], keepDims: true);
        var y = Ops.Add(Ops.Multiply(Ops.Subtract(images, mean), Tensor.FromArray(factors, n, 1, 1, 1)), mean);
        return ImageLayout.FromBatchedChannelsLast(Ops.Clip(y, ValueRange.Low, ValueRange.High), single, DataFormat);
    }
}
