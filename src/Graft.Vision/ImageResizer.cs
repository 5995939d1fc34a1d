using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    /// The image (height × width × channels pixels, float 0..255 or bytes, optionally cropped first)
    /// as a tensor of (outH, outW, channels), allocated outside any <see cref="TensorScope"/>.
    /// </summary>
    public static Tensor ToTensor<T>(T[] pixels, int height, int width, int channels, bool crop, int outH, int outW, string method)
        where T : unmanaged
    {
        var result = new float[outH * outW * channels];
        ResizeInto(result, pixels, height, width, channels, crop, outH, outW, method);
        return Tensor.Wrap(result, new Shape(outH, outW, channels));
    }

    /// <summary>
    /// Writes the image (the first height × width × channels values of <paramref name="pixels"/>,
    /// floats or bytes, optionally cropped first) resized to (outH, outW, channels) into
    /// <paramref name="dst"/>, with scratch memory from <see cref="ArrayPool{T}.Shared"/>. Bytes are
    /// read as the floats they equal, so both give the same result.
    /// </summary>
    public static void ResizeInto<T>(Span<float> dst, T[] pixels, int height, int width, int channels, bool crop, int outH, int outW, string method)
        where T : unmanaged
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(byte))
            throw new ArgumentException($"ImageResizer: expected float or byte pixels, got {typeof(T).Name}.", nameof(pixels));
        var (top, left, h, w) = crop ? CropToAspect(height, width, outH, outW) : (0, 0, height, width);
        int stride = width * channels;
        // The window starts at its top-left pixel; its rows stay a whole image row apart.
        ReadOnlySpan<T> window = pixels.AsSpan((top * width + left) * channels);
        var rows = TapsFor(h, outH, method);
        var cols = TapsFor(w, outW, method);
        if (rows.Index.Length <= MaxTaps && cols.Index.Length <= MaxTaps)
        {
            Resize(dst, window, stride, w, channels, outH, outW, rows, cols);
            return;
        }
        var dense = new float[h * w * channels];
        for (int y = 0; y < h; y++) Convert(window.Slice(y * stride, w * channels), dense.AsSpan(y * w * channels, w * channels));
        using (TensorScope.Suspend())
        using (GradMode.NoGrad())
            Ops.Resize(Tensor.FromArray(dense, 1, h, w, channels), outH, outW, method).CopyTo(0, dst);
    }

    private static (int[][] Index, float[][] Weight) TapsFor(int inSize, int outSize, string method) =>
        s_taps.GetOrAdd((inSize, outSize, method), key =>
            inSize == outSize ? ([], []) : ImageSampling.Taps(ImageSampling.ResizeMatrix(key.In, key.Out, key.Method, antialias: false), key.In, key.Out));

    /// <summary>
    /// <see cref="Ops.Resize"/> of one image without its intermediate tensors: the same taps, the same
    /// float operations in the same order (rows, then columns; each tap's product added to the sum of
    /// the previous ones), so the pixels are identical. One output row at a time: its row pass reads
    /// the source rows it needs (converting bytes to floats on the way) into a row that stays in the
    /// L1 cache for its column pass, instead of whole intermediate images.
    /// </summary>
    private static void Resize<T>(Span<float> result, ReadOnlySpan<T> src, int stride, int w, int c, int outH, int outW,
        (int[][] Index, float[][] Weight) rows, (int[][] Index, float[][] Weight) cols) where T : unmanaged
    {
        int rowLength = w * c, outRowLength = outW * c, taps = cols.Index.Length;
        bool columns = taps > 0;
        float[]? rented = null, weights = null;
        int[]? offsets = null;
        try
        {
            if (columns)
            {
                rented = ArrayPool<float>.Shared.Rent(rowLength);
                // The column taps per output value (not per pixel): where in the row each tap reads, and its weight.
                offsets = ArrayPool<int>.Shared.Rent(taps * outRowLength);
                weights = ArrayPool<float>.Shared.Rent(taps * outRowLength);
                for (int k = 0; k < taps; k++)
                    for (int ox = 0; ox < outW; ox++)
                        for (int ch = 0; ch < c; ch++)
                        {
                            offsets[k * outRowLength + ox * c + ch] = cols.Index[k][ox] * c + ch;
                            weights[k * outRowLength + ox * c + ch] = cols.Weight[k][ox];
                        }
            }
            for (int oy = 0; oy < outH; oy++)
            {
                var outRow = result.Slice(oy * outRowLength, outRowLength);
                // Without a column pass the row pass writes straight to the result.
                var mid = columns ? rented.AsSpan(0, rowLength) : outRow;
                if (rows.Index.Length == 0) Convert(src.Slice(oy * stride, rowLength), mid);
                else
                    for (int k = 0; k < rows.Index.Length; k++)
                        Accumulate(mid, src.Slice(rows.Index[k][oy] * stride, rowLength), rows.Weight[k][oy], first: k == 0);
                if (columns) Columns(outRow, mid, taps, offsets!, weights!);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
            if (offsets is not null) ArrayPool<int>.Shared.Return(offsets);
            if (weights is not null) ArrayPool<float>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// One output row of the column pass: value e is Σₖ mid[offsets[k·n + e]] · weights[k·n + e]
    /// (n = the row's length), the first tap's product plus each next one's in tap order, eight values
    /// at a time with AVX2's gathers where the processor has them.
    /// </summary>
    private static unsafe void Columns(Span<float> dst, ReadOnlySpan<float> mid, int taps, int[] offsets, float[] weights)
    {
        int n = dst.Length, e = 0;
        fixed (float* row = mid, output = dst, weight = weights)
        fixed (int* offset = offsets)
        {
            if (Avx2.IsSupported)
                for (; e <= n - Vector256<float>.Count; e += Vector256<float>.Count)
                {
                    var sum = Avx.Multiply(Avx2.GatherVector256(row, Avx.LoadVector256(offset + e), 4), Avx.LoadVector256(weight + e));
                    for (int k = 1; k < taps; k++)
                        sum = Avx.Add(sum, Avx.Multiply(Avx2.GatherVector256(row, Avx.LoadVector256(offset + k * n + e), 4), Avx.LoadVector256(weight + k * n + e)));
                    Avx.Store(output + e, sum);
                }
            for (; e < n; e++)
            {
                float sum = row[offset[e]] * weight[e];
                for (int k = 1; k < taps; k++) sum += row[offset[k * n + e]] * weight[k * n + e];
                output[e] = sum;
            }
        }
    }

    /// <summary>The values of a row as floats (bytes convert exactly).</summary>
    private static void Convert<T>(ReadOnlySpan<T> src, Span<float> dst) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(src).CopyTo(dst);
            return;
        }
        var bytes = MemoryMarshal.Cast<T, byte>(src);
        int i = 0, n = Vector<float>.Count;
        for (; i <= dst.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(bytes[i..]), out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            Vector.ConvertToSingle(Vector.AsVectorInt32(q0)).CopyTo(dst[i..]);
            Vector.ConvertToSingle(Vector.AsVectorInt32(q1)).CopyTo(dst[(i + n)..]);
            Vector.ConvertToSingle(Vector.AsVectorInt32(q2)).CopyTo(dst[(i + 2 * n)..]);
            Vector.ConvertToSingle(Vector.AsVectorInt32(q3)).CopyTo(dst[(i + 3 * n)..]);
        }
        for (; i < dst.Length; i++) dst[i] = bytes[i];
    }

    /// <summary>dst = src · weight (first tap) or dst += src · weight, a product then a sum as Ops.Multiply and Ops.Add compute them.</summary>
    private static void Accumulate<T>(Span<float> dst, ReadOnlySpan<T> src, float weight, bool first) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) Accumulate(dst, MemoryMarshal.Cast<T, float>(src), weight, first);
        else Accumulate(dst, MemoryMarshal.Cast<T, byte>(src), weight, first);
    }

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

    /// <summary><see cref="Accumulate(Span{float}, ReadOnlySpan{float}, float, bool)"/> reading bytes, widened to the floats they equal.</summary>
    private static void Accumulate(Span<float> dst, ReadOnlySpan<byte> src, float weight, bool first)
    {
        int i = 0, n = Vector<float>.Count;
        var wv = new Vector<float>(weight);
        for (; i <= dst.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(src[i..]), out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            Step(dst[i..], Vector.ConvertToSingle(Vector.AsVectorInt32(q0)), wv, first);
            Step(dst[(i + n)..], Vector.ConvertToSingle(Vector.AsVectorInt32(q1)), wv, first);
            Step(dst[(i + 2 * n)..], Vector.ConvertToSingle(Vector.AsVectorInt32(q2)), wv, first);
            Step(dst[(i + 3 * n)..], Vector.ConvertToSingle(Vector.AsVectorInt32(q3)), wv, first);
        }
        for (; i < dst.Length; i++) dst[i] = first ? src[i] * weight : dst[i] + src[i] * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(Span<float> at, Vector<float> values, Vector<float> weight, bool first)
    {
        var product = values * weight;
        (first ? product : new Vector<float>(at) + product).CopyTo(at);
    }
}
