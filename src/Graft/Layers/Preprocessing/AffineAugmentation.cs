using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// What RandomRotation, RandomTranslation and RandomZoom share (Keras's options of the same names):
/// a random affine map per image during training, sampled with a fill mode and an interpolation, and
/// the identity at inference. A subclass validates its factors and draws the maps.
/// </summary>
public abstract class AffineAugmentation : Layer
{
    private readonly Generator? _generator;

    /// <param name="fillMode">How points outside the image are filled: "reflect", "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" or "nearest".</param>
    /// <param name="seed">Seed for repeatable draws; null uses the current context's generator.</param>
    /// <param name="fillValue">The value outside the image when <paramref name="fillMode"/> is "constant".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">A mode or the data format is unknown.</exception>
    private protected AffineAugmentation(string fillMode, string interpolation, long? seed, double fillValue, string? dataFormat, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        FillMode = ImageLayout.OneOf(fillMode, ImageSampling.FillModes, "fill_mode", Describe());
        Interpolation = ImageLayout.OneOf(interpolation, ImageSampling.TransformInterpolations, "interpolation", Describe());
        FillValue = (float)fillValue;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>"reflect", "wrap", "constant" or "nearest".</summary>
    public string FillMode { get; }
    /// <summary>"bilinear" or "nearest".</summary>
    public string Interpolation { get; }
    /// <summary>The fill value of the "constant" mode.</summary>
    public float FillValue { get; }
    /// <summary>Seed, or null.</summary>
    public long? Seed { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <summary>The layer's own seeded stream, or the current context's.</summary>
    private protected Generator Generator => _generator ?? GraftContext.Current.Generator;

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => !training ? x
        : ImageLayout.Transform(x, DataFormat, Describe(), Matrices, Interpolation, FillMode, FillValue);

    /// <summary>One map per image of <paramref name="n"/> (h × w), 8 numbers each, output to input pixels.</summary>
    private protected abstract float[] Matrices(int n, int h, int w);
}
