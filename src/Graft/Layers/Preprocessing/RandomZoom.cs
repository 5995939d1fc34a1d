using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Zooms each image of a batch in or out about its center by a random amount during training; the
/// identity at inference (Keras's <c>layers.RandomZoom</c>). Input and output: (batch, height, width,
/// channels) or one image (height, width, channels), or channels first.
/// </summary>
public sealed class RandomZoom : AffineAugmentation
{
    private readonly (float Lower, float Upper) _height;
    private readonly (float Lower, float Upper)? _width;

    /// <param name="heightFactor">
    /// A fraction of the height: f zooms by a factor in [1 − f, 1 + f], (low, high) by one in
    /// [1 + low, 1 + high]. Positive values zoom out, negative ones in (as in Keras). Values in (−1, 1].
    /// </param>
    /// <param name="widthFactor">The same for the width; null zooms both axes by the same amount, keeping the aspect ratio.</param>
    /// <param name="fillMode">How points outside the image are filled: "reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed for repeatable zooms; null uses the current context's generator.</param>
    /// <param name="fillValue">The value outside the image when <paramref name="fillMode"/> is "constant".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside (−1, 1].</exception>
    /// <exception cref="ArgumentException">A mode or the data format is unknown.</exception>
    public RandomZoom(AugmentationFactor heightFactor, AugmentationFactor? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear",
        long? seed = null, double fillValue = 0, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(fillMode, interpolation, seed, fillValue, dataFormat, inputShape, name)
    {
        _height = heightFactor.Bounds(-1f, 1f, "height_factor", Describe(), minExclusive: true);
        _width = widthFactor?.Bounds(-1f, 1f, "width_factor", Describe(), minExclusive: true);
        HeightFactor = heightFactor; WidthFactor = widthFactor;
    }

    /// <summary>The height factor as given.</summary>
    public AugmentationFactor HeightFactor { get; }
    /// <summary>The width factor as given, or null (the height's zoom for both axes).</summary>
    public AugmentationFactor? WidthFactor { get; }

    /// <summary>
    /// A scaling about the center for each image: input x = zx·x + (w − 1)/2·(1 − zx), and the same
    /// for y (Keras's <c>_get_zoom_matrix</c>); the height's zooms are drawn before the width's.
    /// </summary>
    private protected override float[] Matrices(int n, int h, int w)
    {
        var generator = Generator;
        var zy = ImageLayout.Uniform(generator, n, 1f + _height.Lower, 1f + _height.Upper);
        var zx = _width is { } wf ? ImageLayout.Uniform(generator, n, 1f + wf.Lower, 1f + wf.Upper) : zy;
        var t = new float[8 * n];
        for (int b = 0; b < n; b++)
        {
            t[8 * b + 0] = zx[b]; t[8 * b + 2] = (w - 1f) / 2f * (1f - zx[b]);
            t[8 * b + 4] = zy[b]; t[8 * b + 5] = (h - 1f) / 2f * (1f - zy[b]);
        }
        return t;
    }
}
