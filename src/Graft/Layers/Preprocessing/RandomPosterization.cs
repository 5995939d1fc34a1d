using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Keeps only the top bits of each 8-bit channel value during training: on the [0, 255] scale, each
/// value is truncated to an integer and its low 8 − b bits cleared, for a number of bits b drawn per
/// image; the identity at inference (Keras's <c>layers.RandomPosterization</c>). Input and output:
/// (batch, height, width, channels) or one image, in any layout.
/// </summary>
/// <remarks>
/// As in Keras 3's code (<c>random_posterization.py</c>), one number f means the range (1, f), and
/// a range (low, high) with low &lt; high draws b from the integers in [low, high), the upper end
/// excluded; (b, b) always keeps b bits.
/// </remarks>
public sealed class RandomPosterization : Layer
{
    private readonly Generator? _generator;

    /// <param name="factor">The number of bits to keep: f (range (1, f)) or (low, high), integers in [1, 8].</param>
    /// <param name="valueRange">The range of the pixel values; (0, 255) by default (either order).</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="seed">Seed for repeatable draws; null uses the current context's generator.</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [1, 8] or not whole.</exception>
    /// <exception cref="ArgumentException">The value range is not two different finite numbers, or the data format is unknown.</exception>
    public RandomPosterization(AugmentationFactor factor, (double Low, double High)? valueRange = null, string? dataFormat = null, long? seed = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var (lower, upper) = factor.Bounds(1f, 8f, "factor", Describe());
        if (lower != MathF.Floor(lower) || upper != MathF.Floor(upper))
            throw new ArgumentOutOfRangeException(nameof(factor), $"{Describe()}: expected factor to be whole numbers of bits in [1, 8], got {factor}.");
        Factor = new AugmentationFactor(lower, upper);
        ValueRange = ValueRanges.Sorted(valueRange, Describe());
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The (low, high) range of bits kept.</summary>
    public AugmentationFactor Factor { get; }
    /// <summary>The pixel value range, sorted.</summary>
    public (float Low, float High) ValueRange { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training) return x;
        var (images, _) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());   // checks the rank
        int n = images.Shape[0], low = (int)Factor.Low, high = (int)Factor.High;
        var bits = new int[n];
        var generator = _generator ?? GraftContext.Current.Generator;
        for (int b = 0; b < n; b++) bits[b] = low == high ? low : low + generator.NextInt(high - low);
        var v = x.ToArray();
        ValueRanges.Map(v, ValueRange, ValueRanges.Bytes);
        int per = v.Length / n;
        for (int i = 0; i < v.Length; i++)
        {
            int shift = 8 - bits[i / per];
            // A cast to uint8 truncates; values outside [0, 255] (outside the value range) saturate.
            int byteValue = (int)Math.Clamp(v[i], 0f, 255f);
            v[i] = (byteValue >> shift) << shift;
        }
        ValueRanges.Map(v, ValueRanges.Bytes, ValueRange);
        return Tensor.FromArray(v, x.Shape.Dims);
    }
}
