using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Adds a random amount to every pixel of each image during training, clipped to the value range;
/// the identity at inference (Keras's <c>layers.RandomBrightness</c>). Input and output: (batch,
/// height, width, channels) or one image, in any layout.
/// </summary>
public sealed class RandomBrightness : Layer
{
    private readonly Generator? _generator;

    /// <param name="factor">
    /// A fraction of the value range: f adds an amount in [−f, f]·(high − low), (low, high) one in
    /// [low, high]·(high − low). Values in [−1, 1].
    /// </param>
    /// <param name="valueRange">The range of the pixel values, which the output is clipped to; (0, 255) by default (either order).</param>
    /// <param name="seed">Seed for repeatable changes; null uses the current context's generator.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">The value range is not two finite numbers, or the data format is unknown.</exception>
    public RandomBrightness(AugmentationFactor factor, (double Low, double High)? valueRange = null, long? seed = null, string? dataFormat = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var (lower, upper) = factor.Bounds(-1f, 1f, "factor", Describe());
        Factor = new AugmentationFactor(lower, upper);
        var (a, b) = valueRange is { } range ? ((float)range.Low, (float)range.High) : (0f, 255f);
        if (!float.IsFinite(a) || !float.IsFinite(b))
            throw new ArgumentException($"{Describe()}: expected value_range (low, high) of finite numbers, got ({a}, {b}).", nameof(valueRange));
        ValueRange = (Math.Min(a, b), Math.Max(a, b));   // Keras sorts it
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The (lower, upper) range of changes, as fractions of the value range.</summary>
    public AugmentationFactor Factor { get; }
    /// <summary>The pixel value range, sorted, that the output is clipped to.</summary>
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
        if (x.Rank is not (3 or 4)) ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());   // throws the rank error
        int n = x.Rank == 4 ? x.Shape[0] : 1;
        var deltas = ImageLayout.Uniform(_generator ?? GraftContext.Current.Generator, n, Factor.Low, Factor.High);
        float span = ValueRange.High - ValueRange.Low;
        for (int i = 0; i < n; i++) deltas[i] *= span;
        var delta = x.Rank == 4 ? Tensor.FromArray(deltas, n, 1, 1, 1) : Tensor.FromArray(deltas, 1, 1, 1);
        return Ops.Clip(Ops.Add(x, delta), ValueRange.Low, ValueRange.High);
    }
}
