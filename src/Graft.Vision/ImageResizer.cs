namespace Graft.Vision;

/// <summary>
/// Resizes height × width × channels float images as TensorFlow 2's <c>tf.image.resize</c> does for
/// Keras (half-pixel centres, no antialiasing): "bilinear", "nearest", "bicubic" (Keys cubic,
/// a = -0.5, out-of-image taps dropped and the rest renormalized) and "area" (exact box averages).
/// </summary>
internal static class ImageResizer
{
    public static readonly string[] Methods = ["bilinear", "nearest", "bicubic", "area"];

    /// <summary>The crop Keras's <c>smart_resize</c> takes: the largest centred window with the target's aspect ratio.</summary>
    public static (int Top, int Left, int Height, int Width) CropToAspect(int height, int width, int targetHeight, int targetWidth)
    {
        int cropHeight = Math.Max(Math.Min(height, (int)((double)width * targetHeight / targetWidth)), 1);
        int cropWidth = Math.Max(Math.Min(width, (int)((double)height * targetWidth / targetHeight)), 1);
        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    /// <summary>The window (top, left, h, w) of <paramref name="src"/> resized to outH × outW.</summary>
    public static float[] Resize(float[] src, int height, int width, int channels, (int Top, int Left, int Height, int Width) window,
        int outH, int outW, string method)
    {
        var (top, left, h, w) = window;
        if (h == outH && w == outW && top == 0 && left == 0 && h == height && w == width) return src;
        var dst = new float[outH * outW * channels];
        float sy = (float)h / outH, sx = (float)w / outW;
        float At(int y, int x, int c) => src[((top + y) * width + left + x) * channels + c];
        switch (method)
        {
            case "nearest":
            {
                // TensorFlow's half-pixel nearest neighbour: floor((out + 0.5) * scale), clamped.
                var ys = Enumerable.Range(0, outH).Select(y => Math.Min((int)MathF.Floor((y + 0.5f) * sy), h - 1)).ToArray();
                var xs = Enumerable.Range(0, outW).Select(x => Math.Min((int)MathF.Floor((x + 0.5f) * sx), w - 1)).ToArray();
                for (int y = 0; y < outH; y++)
                    for (int x = 0; x < outW; x++)
                        for (int c = 0; c < channels; c++) dst[(y * outW + x) * channels + c] = At(ys[y], xs[x], c);
                break;
            }
            case "bilinear":
            {
                var (y0, y1, fy) = Linear(outH, h, sy);
                var (x0, x1, fx) = Linear(outW, w, sx);
                for (int y = 0; y < outH; y++)
                    for (int x = 0; x < outW; x++)
                        for (int c = 0; c < channels; c++)
                        {
                            float tl = At(y0[y], x0[x], c), tr = At(y0[y], x1[x], c), bl = At(y1[y], x0[x], c), br = At(y1[y], x1[x], c);
                            float topRow = tl + (tr - tl) * fx[x], bottom = bl + (br - bl) * fx[x];
                            dst[(y * outW + x) * channels + c] = topRow + (bottom - topRow) * fy[y];
                        }
                break;
            }
            case "bicubic":
            {
                var (yi, yw) = Cubic(outH, h, sy);
                var (xi, xw) = Cubic(outW, w, sx);
                for (int y = 0; y < outH; y++)
                    for (int x = 0; x < outW; x++)
                        for (int c = 0; c < channels; c++)
                        {
                            float sum = 0;
                            for (int i = 0; i < 4; i++)
                            {
                                float row = 0;
                                for (int j = 0; j < 4; j++) row += xw[x, j] * At(yi[y, i], xi[x, j], c);
                                sum += yw[y, i] * row;
                            }
                            dst[(y * outW + x) * channels + c] = sum;
                        }
                break;
            }
            case "area":
            {
                // Each output pixel averages the input area it covers, partial pixels by their covered fraction.
                for (int y = 0; y < outH; y++)
                {
                    float y0 = y * sy, y1 = (y + 1) * sy;
                    for (int x = 0; x < outW; x++)
                    {
                        float x0 = x * sx, x1 = (x + 1) * sx;
                        for (int c = 0; c < channels; c++)
                        {
                            float sum = 0;
                            for (int iy = (int)MathF.Floor(y0); iy < (int)MathF.Ceiling(y1); iy++)
                            {
                                float wy = MathF.Min(iy + 1, y1) - MathF.Max(iy, y0);
                                for (int ix = (int)MathF.Floor(x0); ix < (int)MathF.Ceiling(x1); ix++)
                                {
                                    float wx = MathF.Min(ix + 1, x1) - MathF.Max(ix, x0);
                                    sum += wy * wx * At(Math.Min(iy, h - 1), Math.Min(ix, w - 1), c);
                                }
                            }
                            dst[(y * outW + x) * channels + c] = sum / (sy * sx);
                        }
                    }
                }
                break;
            }
            default:
                throw new ArgumentException($"ImageDataset: expected interpolation one of {string.Join(", ", Methods)}, got '{method}'.");
        }
        return dst;
    }

    /// <summary>TensorFlow's compute_interpolation_weights with half-pixel centres.</summary>
    private static (int[] Lower, int[] Upper, float[] Lerp) Linear(int outSize, int inSize, float scale)
    {
        var lo = new int[outSize]; var hi = new int[outSize]; var f = new float[outSize];
        for (int i = 0; i < outSize; i++)
        {
            float pos = (i + 0.5f) * scale - 0.5f;
            float floor = MathF.Floor(pos);
            lo[i] = Math.Max((int)floor, 0);
            hi[i] = Math.Min((int)MathF.Ceiling(pos), inSize - 1);
            f[i] = pos - floor;
        }
        return (lo, hi, f);
    }

    /// <summary>Keys cubic weights (a = -0.5) for the four taps around each output position; taps outside the image get no weight.</summary>
    private static (int[,] Index, float[,] Weight) Cubic(int outSize, int inSize, float scale)
    {
        var idx = new int[outSize, 4]; var wt = new float[outSize, 4];
        for (int i = 0; i < outSize; i++)
        {
            float pos = (i + 0.5f) * scale - 0.5f;
            int floor = (int)MathF.Floor(pos);
            float t = pos - floor, sum = 0;
            for (int k = 0; k < 4; k++)
            {
                int at = floor - 1 + k;
                float d = MathF.Abs(t - (k - 1));
                float weight = d <= 1 ? ((1.5f * d - 2.5f) * d) * d + 1 : d < 2 ? ((-0.5f * d + 2.5f) * d - 4) * d + 2 : 0;
                if (at < 0 || at >= inSize) weight = 0;
                idx[i, k] = Math.Clamp(at, 0, inSize - 1);
                wt[i, k] = weight;
                sum += weight;
            }
            if (MathF.Abs(sum) >= 1000 * float.Epsilon)
                for (int k = 0; k < 4; k++) wt[i, k] /= sum;
        }
        return (idx, wt);
    }
}
