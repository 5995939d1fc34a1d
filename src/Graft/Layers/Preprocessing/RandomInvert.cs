using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Inverts the colors of some images during training, v → high − v for the value range's upper end
/// high; the identity at inference (Keras's <c>layers.RandomInvert</c>). Each image draws a
/// probability p from the factor's range and is inverted with probability p. Input and output:
/// (batch, height, width, channels) or one image, in any layout.
/// </summary>
public sealed class RandomInvert : Layer
{
    private readonly Generator? _generator;

    /// <param name="factor">f (probabilities in [0, f]) or (low, high), in [0, 1]; 1 by default (probabilities in [0, 1]).</param>
    /// <param name="valueRange">The range of the pixel values, (0, 255) by default; its second number is the one images are inverted about, as in Keras.</param>
    /// <param name="seed">Seed for repeatable choices; null uses the current context's generator.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The value range is not two finite numbers, or the data format is unknown.</exception>
    public RandomInvert(AugmentationFactor? factor = null, (double Low, double High)? valueRange = null, long? seed = null, string? dataFormat = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var (lower, upper) = (factor ?? 1f).Bounds(0f, 1f, "factor", Describe());
        Factor = new AugmentationFactor(lower, upper);
        // Kept as given (Keras does not sort this layer's range): the inversion uses its second number.
        ValueRange = valueRange is { } r ? ((float)r.Low, (float)r.High) : (0f, 255f);
        if (!float.IsFinite(ValueRange.Low) || !float.IsFinite(ValueRange.High))
            throw new ArgumentException($"{Describe()}: expected value_range (low, high) of finite numbers, got {ValueRange}.", nameof(valueRange));
        Seed = seed;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The (low, high) range of inversion probabilities.</summary>
    public AugmentationFactor Factor { get; }
    /// <summary>The pixel value range, as given.</summary>
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
        var probabilities = ImageLayout.Uniform(generator, n, Factor.Low, Factor.High);
        var draws = ImageLayout.Uniform(generator, n, 0f, 1f);
        var v = x.ToArray();
        int per = v.Length / n;
        for (int b = 0; b < n; b++)
            if (draws[b] < probabilities[b])
                for (int i = b * per; i < (b + 1) * per; i++) v[i] = ValueRange.High - v[i];
        return Tensor.FromArray(v, x.Shape.Dims);
    }
}
