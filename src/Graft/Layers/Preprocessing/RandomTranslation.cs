using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Shifts each image of a batch by a random offset during training; the identity at inference
/// (Keras's <c>layers.RandomTranslation</c>). Input and output: (batch, height, width, channels) or
/// one image (height, width, channels), or channels first.
/// </summary>
public sealed class RandomTranslation : AffineAugmentation
{
    private readonly (float Lower, float Upper) _height, _width;

    /// <param name="heightFactor">
    /// A fraction of the height: f shifts by up to f·height either way, (low, high) by an amount in
    /// [low·height, high·height]; positive values shift down. Values in [−1, 1].
    /// </param>
    /// <param name="widthFactor">The same for the width; positive values shift right.</param>
    /// <param name="fillMode">How points outside the image are filled: "reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed for repeatable shifts; null uses the current context's generator.</param>
    /// <param name="fillValue">The value outside the image when <paramref name="fillMode"/> is "constant".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">A mode or the data format is unknown.</exception>
    public RandomTranslation(AugmentationFactor heightFactor, AugmentationFactor widthFactor, string fillMode = "reflect", string interpolation = "bilinear",
        long? seed = null, double fillValue = 0, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(fillMode, interpolation, seed, fillValue, dataFormat, inputShape, name)
    {
        _height = heightFactor.Bounds(-1f, 1f, "height_factor", Describe());
        _width = widthFactor.Bounds(-1f, 1f, "width_factor", Describe());
        HeightFactor = heightFactor; WidthFactor = widthFactor;
    }

    /// <summary>The height factor as given.</summary>
    public AugmentationFactor HeightFactor { get; }
    /// <summary>The width factor as given.</summary>
    public AugmentationFactor WidthFactor { get; }

    /// <summary>
    /// A shift for each image: input = output − (dx, dy) (Keras's <c>_get_translation_matrix</c>);
    /// the vertical shifts are drawn before the horizontal ones.
    /// </summary>
    private protected override float[] Matrices(int n, int h, int w)
    {
        var generator = Generator;
        var dy = ImageLayout.Uniform(generator, n, _height.Lower, _height.Upper);
        var dx = ImageLayout.Uniform(generator, n, _width.Lower, _width.Upper);
        var t = new float[8 * n];
        for (int b = 0; b < n; b++)
        {
            t[8 * b + 0] = 1f; t[8 * b + 2] = -(dx[b] * w);
            t[8 * b + 4] = 1f; t[8 * b + 5] = -(dy[b] * h);
        }
        return t;
    }
}
