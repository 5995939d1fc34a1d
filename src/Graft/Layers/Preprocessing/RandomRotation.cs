using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Rotates each image of a batch about its center by a random angle during training; the identity
/// at inference (Keras's <c>layers.RandomRotation</c>). Input and output: (batch, height, width,
/// channels) or one image (height, width, channels), or channels first.
/// </summary>
public sealed class RandomRotation : AffineAugmentation
{
    private readonly float _lower, _upper;

    /// <param name="factor">
    /// A fraction of a full turn: f rotates by an angle in [−f·360°, f·360°], (low, high) by one in
    /// [low·360°, high·360°]; positive is counter-clockwise. Values in [−1, 1].
    /// </param>
    /// <param name="fillMode">How points outside the image are filled: "reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed for repeatable rotations; null uses the current context's generator.</param>
    /// <param name="fillValue">The value outside the image when <paramref name="fillMode"/> is "constant".</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The factor is outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">A mode or the data format is unknown.</exception>
    public RandomRotation(AugmentationFactor factor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null,
        double fillValue = 0, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(fillMode, interpolation, seed, fillValue, dataFormat, inputShape, name)
    {
        (_lower, _upper) = factor.Bounds(-1f, 1f, "factor", Describe());
        Factor = new AugmentationFactor(_lower, _upper);
    }

    /// <summary>The (lower, upper) range of rotations, in fractions of a turn (Keras keeps the range, not the number given).</summary>
    public AugmentationFactor Factor { get; }

    /// <summary>
    /// A rotation by a random angle about the center ((w − 1)/2, (h − 1)/2) for each image, mapping
    /// output to input pixels (Keras's <c>_compute_affine_matrix</c> with no shear, scale 1).
    /// </summary>
    private protected override float[] Matrices(int n, int h, int w)
    {
        var angles = ImageLayout.Uniform(Generator, n, _lower * 360f, _upper * 360f);
        var t = new float[8 * n];
        float cx = 0.5f * (w - 1), cy = 0.5f * (h - 1);
        for (int b = 0; b < n; b++)
        {
            float a = angles[b] * (MathF.PI / 180f), cos = MathF.Cos(a), sin = MathF.Sin(a);
            t[8 * b + 0] = cos; t[8 * b + 1] = -sin; t[8 * b + 2] = cx - cx * cos + cy * sin;
            t[8 * b + 3] = sin; t[8 * b + 4] = cos; t[8 * b + 5] = cy - cx * sin - cy * cos;
        }
        return t;
    }
}
