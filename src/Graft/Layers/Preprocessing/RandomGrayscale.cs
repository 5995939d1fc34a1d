using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Turns each RGB image gray with probability <see cref="Factor"/> during training, keeping its three
/// channels (each set to the luminance 0.2989·R + 0.5870·G + 0.1140·B); the identity at inference
/// (Keras's <c>layers.RandomGrayscale</c>). Input and output: (batch, height, width, channels) or one
/// image, channels last or first, with 3 channels (or 1, which is left as it is).
/// </summary>
public sealed class RandomGrayscale : Layer
{
    private readonly Generator? _generator;

    /// <param name="factor">The probability, in [0, 1], that an image is turned gray; 0.5 by default.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="seed">Seed for repeatable choices; null uses the current context's generator.</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The data format is unknown.</exception>
    public RandomGrayscale(double factor = 0.5, string? dataFormat = null, long? seed = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(factor >= 0 && factor <= 1))
            throw new ArgumentOutOfRangeException(nameof(factor), $"{Describe()}: expected factor in [0, 1], got {factor}.");
        Factor = factor;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The probability that an image is turned gray.</summary>
    public double Factor { get; }
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
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int n = images.Shape[0], c = images.Shape[3];
        if (c is not (1 or 3))
            throw new ArgumentException($"{Describe()}: expected 3 (RGB) or 1 (grayscale) channels, got shape {x.Shape}.");
        var draws = ImageLayout.Uniform(_generator ?? GraftContext.Current.Generator, n, 0f, 1f);
        if (c == 1) return x;
        var v = images.ToArray();
        int per = v.Length / n;
        for (int b = 0; b < n; b++)
        {
            if (!(draws[b] < Factor)) continue;
            for (int p = b * per; p < (b + 1) * per; p += 3)
            {
                float g = 0.2989f * v[p] + 0.5870f * v[p + 1] + 0.1140f * v[p + 2];
                v[p] = v[p + 1] = v[p + 2] = g;
            }
        }
        return ImageLayout.FromBatchedChannelsLast(Tensor.FromArray(v, images.Shape.Dims), single, DataFormat);
    }
}
