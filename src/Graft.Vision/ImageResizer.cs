using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Vision;

/// <summary>
/// Brings a decoded image to the dataset's size as Keras does: <c>tf.image.resize</c> (Graft's
/// <see cref="Ops.Resize"/>, half-pixel centres, no antialiasing), after the centred crop of
/// <c>smart_resize</c> when the aspect ratio is to be kept.
/// </summary>
internal static class ImageResizer
{
    /// <summary>The interpolations <c>image_dataset_from_directory</c> takes that Graft has.</summary>
    public static readonly string[] Methods = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"];

    /// <summary>Widest filter resized here; wider ones (a large "area" downscale) go through <see cref="Ops.Resize"/>'s matrix product.</summary>
    private const int MaxTaps = 8;

    /// <summary>The taps of each (input size, output size, interpolation): every image of a folder of photos of one size shares them.</summary>
    private static readonly ConcurrentDictionary<(int In, int Out, string Method), (int[][] Index, float[][] Weight)> s_taps = new();

    /// <summary>The crop Keras's <c>smart_resize</c> takes: the largest centred window with the target's aspect ratio.</summary>
    public static (int Top, int Left, int Height, int Width) CropToAspect(int height, int width, int targetHeight, int targetWidth)
    {
        int cropHeight = Math.Max(Math.Min(height, (int)((double)width * targetHeight / targetWidth)), 1);
        int cropWidth = Math.Max(Math.Min(width, (int)((double)height * targetWidth / targetHeight)), 1);
        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    /// <summary>
    /// The image (height × width × channels pixels, optionally cropped first) as a tensor of
    /// (outH, outW, channels), allocated outside any <see cref="TensorScope"/>.
    /// </summary>
    public static Tensor ToTensor(float[] pixels, int height, int width, int channels, bool crop, int outH, int outW, string method)
    {
        var result = new float[outH * outW * channels];
        ResizeInto(result, pixels, height, width, channels, crop, outH, outW, method);
        return Tensor.Wrap(result, new Shape(outH, outW, channels));
    }

    /// <summary>
    /// Writes the image (the first height × width × channels values of <paramref name="pixels"/>,
    /// optionally cropped first) resized to (outH, outW, channels) into <paramref name="dst"/>, with
    /// scratch memory from <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public static void ResizeInto(Span<float> dst, float[] pixels, int height, int width, int channels, bool crop, int outH, int outW, string method)
    {
        var (top, left, h, w) = crop ? CropToAspect(height, width, outH, outW) : (0, 0, height, width);
        float[]? window = null;
        try
        {
            if (h != height || w != width)
            {
                window = ArrayPool<float>.Shared.Rent(h * w * channels);
                for (int y = 0; y < h; y++)
                    Array.Copy(pixels, ((top + y) * width + left) * channels, window, y * w * channels, w * channels);
                pixels = window;
            }
            var rows = TapsFor(h, outH, method);
            var cols = TapsFor(w, outW, method);
            if (rows.Index.Length <= MaxTaps && cols.Index.Length <= MaxTaps)
            {
                Resize(dst, pixels, h, w, channels, outH, outW, rows, cols);
                return;
            }
            using (TensorScope.Suspend())
            using (GradMode.NoGrad())
            {
                var image = Tensor.FromArray(pixels[..(h * w * channels)], 1, h, w, channels);
                Ops.Resize(image, outH, outW, method).CopyTo(0, dst);
            }
        }
        finally { if (window is not null) ArrayPool<float>.Shared.Return(window); }
    }

    private static (int[][] Index, float[][] Weight) TapsFor(int inSize, int outSize, string method) =>
        s_taps.GetOrAdd((inSize, outSize, method), key =>
            inSize == outSize ? ([], []) : ImageSampling.Taps(ImageSampling.ResizeMatrix(key.In, key.Out, key.Method, antialias: false), key.In, key.Out));

    /// <summary>
    /// <see cref="Ops.Resize"/> of one image without its intermediate tensors: the same taps, the same
    /// float operations in the same order (rows, then columns; each tap's product added to the sum of
    /// the previous ones), so the pixels are identical, in two passes over plain arrays instead of a
    /// gather, a product and a sum per tap and axis.
    /// </summary>
    private static void Resize(Span<float> result, float[] src, int h, int w, int c, int outH, int outW,
        (int[][] Index, float[][] Weight) rows, (int[][] Index, float[][] Weight) cols)
    {
        int rowLength = w * c;
        if (rows.Index.Length == 0 && cols.Index.Length == 0)
        {
            src.AsSpan(0, h * rowLength).CopyTo(result);
            return;
        }
        float[]? rented = null;
        try
        {
            float[] mid = src;
            if (rows.Index.Length > 0)
            {
                // Without a column pass the rows go straight to the result.
                bool direct = cols.Index.Length == 0;
                if (!direct) mid = rented = ArrayPool<float>.Shared.Rent(outH * rowLength);
                for (int oy = 0; oy < outH; oy++)
                {
                    var dst = direct ? result.Slice(oy * rowLength, rowLength) : mid.AsSpan(oy * rowLength, rowLength);
                    for (int k = 0; k < rows.Index.Length; k++)
                        Accumulate(dst, src.AsSpan(rows.Index[k][oy] * rowLength, rowLength), rows.Weight[k][oy], first: k == 0);
                }
                if (direct) return;
            }
            for (int oy = 0; oy < outH; oy++)
            {
                int inRow = oy * rowLength, outRow = oy * outW * c;
                for (int ox = 0; ox < outW; ox++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        float sum = mid[inRow + cols.Index[0][ox] * c + ch] * cols.Weight[0][ox];
                        for (int k = 1; k < cols.Index.Length; k++)
                            sum += mid[inRow + cols.Index[k][ox] * c + ch] * cols.Weight[k][ox];
                        result[outRow + ox * c + ch] = sum;
                    }
            }
        }
        finally { if (rented is not null) ArrayPool<float>.Shared.Return(rented); }
    }

    /// <summary>dst = src · weight (first tap) or dst += src · weight, a product then a sum as Ops.Multiply and Ops.Add compute them.</summary>
    private static void Accumulate(Span<float> dst, ReadOnlySpan<float> src, float weight, bool first)
    {
        int i = 0;
        var wv = new Vector<float>(weight);
        for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var product = new Vector<float>(src[i..]) * wv;
            (first ? product : new Vector<float>(dst[i..]) + product).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++) dst[i] = first ? src[i] * weight : dst[i] + src[i] * weight;
    }
}
