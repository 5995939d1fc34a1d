using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Resizes a batch of images (batch, height, width, channels) to (batch, <paramref name="height"/>,
    /// <paramref name="width"/>, channels), as <c>keras.ops.image.resize</c> with the TensorFlow
    /// backend: half-pixel centers; "bilinear", "nearest", "bicubic" (Keys, a = −0.5), "area",
    /// "lanczos3" or "lanczos5". <paramref name="antialias"/> widens the bilinear, bicubic and Lanczos
    /// kernels when downscaling. Differentiable with respect to the images.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not of rank 4, a size is below 1, or the interpolation is unknown.</exception>
    public static Tensor Resize(Tensor images, int height, int width, string interpolation = "bilinear", bool antialias = false)
    {
        if (images.Rank != 4) throw new ArgumentException($"Resize: expected images of rank 4 (batch, height, width, channels), got shape {images.Shape}.");
        if (height < 1 || width < 1) throw new ArgumentException($"Resize: expected a target size of at least 1x1, got {height}x{width}.");
        if (Array.IndexOf(ImageSampling.ResizeInterpolations, interpolation) < 0)
            throw new ArgumentException($"Resize: expected an interpolation in {{{string.Join(", ", ImageSampling.ResizeInterpolations)}}}, got '{interpolation}'.");
        var y = ResizeAxis(images, 1, height, interpolation, antialias);
        return ResizeAxis(y, 2, width, interpolation, antialias);
    }

    /// <summary>Widest filter (in input pixels per output pixel) resized by gathers; wider ones use a matrix product.</summary>
    private const int MaxGatherTaps = 8;

    /// <summary>
    /// Resizes one axis of (batch, height, width, channels) to <paramref name="size"/>. Every
    /// interpolation is separable, so a 2-D resize is one such pass per axis, each a linear map
    /// out = R · in along the axis whose gradient is Rᵀ. A narrow filter (bilinear reads 2 pixels,
    /// bicubic 4) runs as one weighted gather per tap, a few passes over the image; a wide one (a
    /// large antialiased or area downscale) as a product with R, whose cost does not grow with the
    /// filter. A same-size axis is the identity for every interpolation and is skipped.
    /// </summary>
    private static Tensor ResizeAxis(Tensor x, int axis, int size, string interpolation, bool antialias)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3], inSize = x.Shape[axis];
        if (size == inSize) return x;
        var matrix = ImageSampling.ResizeMatrix(inSize, size, interpolation, antialias);
        var (index, weight) = ImageSampling.Taps(matrix, inSize, size);
        if (index.Length > MaxGatherTaps)
        {
            var r = Tensor.FromArray(matrix, size, inSize);
            return axis == 1
                ? Reshape(MatMul(r, Reshape(x, n, h, w * c)), n, size, w, c)
                : Reshape(MatMul(r, Reshape(x, n * h, w, c)), n, h, size, c);
        }
        int[] weightShape = axis == 1 ? [1, size, 1, 1] : [1, 1, size, 1];
        Tensor? sum = null;
        for (int k = 0; k < index.Length; k++)
        {
            var tap = Gather(x, index[k], axis);
            // Nearest neighbour (and an exactly aligned tap) reads pixels as they are.
            if (weight[k].Any(v => v != 1f)) tap = Multiply(tap, Tensor.FromArray(weight[k], weightShape));
            sum = sum is null ? tap : Add(sum, tap);
        }
        return sum!;
    }

    /// <summary>
    /// Applies a projective transform to each image of (batch, height, width, channels), as
    /// <c>keras.ops.image.affine_transform</c>: <paramref name="transforms"/> holds 8 numbers per image
    /// (or 8 for all), [a0, a1, a2, b0, b1, b2, c0, c1], mapping each output pixel (x, y) to the input
    /// point ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), k = c0·x + c1·y + 1. Points outside the
    /// image follow <paramref name="fillMode"/>: "constant" (<paramref name="fillValue"/>), "reflect"
    /// (d c b a | a b c d | d c b a), "wrap" (a b c d | a b c d) or "nearest" (a a | a b c d | d d).
    /// Differentiable with respect to the images (not the transforms).
    /// </summary>
    /// <exception cref="ArgumentException">The input is not of rank 4, the transforms are not 8 or 8 per image, or a mode is unknown.</exception>
    public static Tensor AffineTransform(Tensor images, float[] transforms, string interpolation = "bilinear", string fillMode = "constant", float fillValue = 0f)
    {
        if (images.Rank != 4) throw new ArgumentException($"AffineTransform: expected images of rank 4 (batch, height, width, channels), got shape {images.Shape}.");
        int n = images.Shape[0], h = images.Shape[1], w = images.Shape[2];
        if (transforms.Length == 8 && n != 1) transforms = [.. Enumerable.Repeat(transforms, n).SelectMany(t => t)];
        if (transforms.Length != 8 * n)
            throw new ArgumentException($"AffineTransform: expected 8 transform values per image ({8 * n} for shape {images.Shape}), got {transforms.Length}.");
        var (index, weight) = ImageSampling.ProjectiveTaps(transforms, n, h, w, interpolation, fillMode);
        return SamplePixels(images, index, weight, fillValue);
    }

    /// <summary>
    /// Output pixel p of (batch, height, width, channels) = Σₖ weight[k][p] · pixel index[k][p] of the
    /// input flattened to (batch·height·width, channels), where index batch·height·width reads
    /// <paramref name="fillValue"/>. A gather per tap and a weighted sum, so the gradient flows back
    /// to the pixels that were read.
    /// </summary>
    internal static Tensor SamplePixels(Tensor images, int[][] index, float[][] weight, float fillValue)
    {
        int n = images.Shape[0], h = images.Shape[1], w = images.Shape[2], c = images.Shape[3], rows = n * h * w;
        var flat = Concatenate([Reshape(images, rows, c), Tensor.Full(fillValue, 1, c)], axis: 0);
        Tensor? sum = null;
        for (int k = 0; k < index.Length; k++)
        {
            var tap = Gather(flat, index[k]);
            if (index.Length > 1 || weight[k].Any(v => v != 1f)) tap = Multiply(tap, Tensor.FromArray(weight[k], rows, 1));
            sum = sum is null ? tap : Add(sum, tap);
        }
        return Reshape(sum!, n, h, w, c);
    }
}
