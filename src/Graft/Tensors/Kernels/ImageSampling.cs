namespace Graft.Tensors.Kernels;

/// <summary>
/// Where image resampling reads from and with what weights: the interpolation matrices of a
/// resize along one axis and the taps of a projective transform. The arithmetic is TensorFlow's
/// (<c>tf.image.resize</c> with half-pixel centers, <c>ImageProjectiveTransformV3</c>), which Keras 3's
/// image layers call; the tensors themselves are combined by the ops above.
/// </summary>
internal static class ImageSampling
{
    /// <summary>The resize interpolations Keras accepts (<c>keras.ops.image.resize</c>).</summary>
    public static readonly string[] ResizeInterpolations = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"];

    /// <summary>The interpolations of an affine transform.</summary>
    public static readonly string[] TransformInterpolations = ["nearest", "bilinear"];

    /// <summary>How points outside the image are filled by an affine transform.</summary>
    public static readonly string[] FillModes = ["reflect", "wrap", "constant", "nearest"];

    /// <summary>
    /// The (<paramref name="outSize"/> × <paramref name="inSize"/>) row-major matrix R with
    /// out = R · in along one axis. Every interpolation Keras offers is separable, so a 2-D resize is
    /// one such product per axis.
    /// </summary>
    public static float[] ResizeMatrix(int inSize, int outSize, string interpolation, bool antialias)
    {
        var m = new float[outSize * inSize];
        double scale = (double)inSize / outSize;   // input pixels per output pixel
        switch (interpolation)
        {
            case "nearest":
                // resize_nearest_neighbor with half-pixel centers: floor((x + 0.5) · scale), clamped.
                for (int o = 0; o < outSize; o++)
                    m[o * inSize + Math.Min((int)Math.Floor((float)((o + 0.5f) * (float)scale)), inSize - 1)] = 1f;
                return m;
            case "area":
                // resize_area: the mean of the input box [o·scale, (o+1)·scale), partial pixels weighted
                // by their overlap, an index past the edge read as the last pixel.
                for (int o = 0; o < outSize; o++)
                {
                    double lo = o * scale, hi = (o + 1) * scale;
                    for (int i = (int)Math.Floor(lo); i < (int)Math.Ceiling(hi); i++)
                    {
                        double overlap = Math.Min(i + 1, hi) - Math.Max(i, lo);
                        m[o * inSize + Math.Min(i, inSize - 1)] += (float)(overlap / scale);
                    }
                }
                return m;
            case "bilinear": Kernel(m, inSize, outSize, 1.0, antialias, Triangle); return m;
            case "bicubic": Kernel(m, inSize, outSize, 2.0, antialias, KeysCubic); return m;
            case "lanczos3": Kernel(m, inSize, outSize, 3.0, antialias, x => Lanczos(x, 3)); return m;
            case "lanczos5": Kernel(m, inSize, outSize, 5.0, antialias, x => Lanczos(x, 5)); return m;
            default: throw new ArgumentException($"Resize: expected an interpolation in {{{string.Join(", ", ResizeInterpolations)}}}, got '{interpolation}'.");
        }
    }

    /// <summary>
    /// The nonzero entries of each row of a <see cref="ResizeMatrix"/> as taps: out[o] = Σₖ
    /// Weight[k][o] · in[Index[k][o]], rows with fewer entries padded with weight 0 on index 0.
    /// </summary>
    public static (int[][] Index, float[][] Weight) Taps(float[] matrix, int inSize, int outSize)
    {
        int span = 0;
        for (int o = 0; o < outSize; o++)
        {
            int count = 0;
            for (int i = 0; i < inSize; i++) if (matrix[o * inSize + i] != 0f) count++;
            span = Math.Max(span, count);
        }
        var index = new int[span][]; var weight = new float[span][];
        for (int k = 0; k < span; k++) { index[k] = new int[outSize]; weight[k] = new float[outSize]; }
        for (int o = 0; o < outSize; o++)
        {
            int k = 0;
            for (int i = 0; i < inSize; i++)
                if (matrix[o * inSize + i] is var v && v != 0f) { index[k][o] = i; weight[k][o] = v; k++; }
        }
        return (index, weight);
    }

    /// <summary>
    /// A filter kernel sampled at each output pixel's center (TensorFlow's <c>scale_and_translate</c>):
    /// input pixels within the kernel's support get kernel weights, those outside the image get none,
    /// and the weights are renormalized to sum to 1. With antialiasing a downscale widens the kernel
    /// by the scale so every input pixel contributes. Without it this is exactly <c>resize_bilinear</c>
    /// (half-pixel centers) and, for Keys' cubic, <c>resize_bicubic</c> up to TensorFlow's 1/1024 table
    /// of cubic coefficients.
    /// </summary>
    private static void Kernel(float[] m, int inSize, int outSize, double radius, bool antialias, Func<double, double> kernel)
    {
        double invScale = (double)inSize / outSize;
        double kernelScale = antialias ? Math.Max(invScale, 1.0) : 1.0;
        var w = new double[inSize];
        for (int o = 0; o < outSize; o++)
        {
            double sample = (o + 0.5) * invScale;
            int start = Math.Clamp((int)Math.Ceiling(sample - radius * kernelScale - 0.5), 0, inSize - 1);
            int end = Math.Clamp((int)Math.Floor(sample + radius * kernelScale - 0.5), 0, inSize - 1) + 1;
            double sum = 0;
            for (int i = start; i < end; i++) sum += w[i] = kernel(Math.Abs((i + 0.5 - sample) / kernelScale));
            if (Math.Abs(sum) < 1e-30) continue;
            for (int i = start; i < end; i++) m[o * inSize + i] = (float)(w[i] / sum);
        }
    }

    private static double Triangle(double x) => Math.Max(0.0, 1.0 - x);

    // Keys' cubic convolution with a = −0.5 (TensorFlow's half-pixel bicubic and its "keyscubic").
    private static double KeysCubic(double x) =>
        x < 1 ? (1.5 * x - 2.5) * x * x + 1 : x < 2 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : 0;

    private static double Lanczos(double x, int radius) =>
        x > radius ? 0 : x <= 1e-3 ? 1 : radius * Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / radius) / (Math.PI * Math.PI * x * x);

    /// <summary>
    /// The taps of a projective transform of <paramref name="batch"/> images of (height, width): for
    /// output pixel (b, y, x), tap k reads row <c>Index[k][p]</c> of the images flattened to
    /// (batch·height·width, channels) with weight <c>Weight[k][p]</c>; index batch·height·width means
    /// the fill value. Transform b is Keras's eight numbers [a0, a1, a2, b0, b1, b2, c0, c1], mapping
    /// an output point to the input point ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k),
    /// k = c0·x + c1·y + 1, in pixel indices (TensorFlow's <c>ImageProjectiveTransformV3</c>).
    /// </summary>
    public static (int[][] Index, float[][] Weight) ProjectiveTaps(float[] transforms, int batch, int height, int width, string interpolation, string fillMode)
    {
        bool bilinear = interpolation switch
        {
            "bilinear" => true,
            "nearest" => false,
            _ => throw new ArgumentException($"AffineTransform: expected interpolation in {{{string.Join(", ", TransformInterpolations)}}}, got '{interpolation}'."),
        };
        if (Array.IndexOf(FillModes, fillMode) < 0)
            throw new ArgumentException($"AffineTransform: expected fill mode in {{{string.Join(", ", FillModes)}}}, got '{fillMode}'.");
        int taps = bilinear ? 4 : 1, n = batch * height * width, fill = n;
        var index = new int[taps][]; var weight = new float[taps][];
        for (int k = 0; k < taps; k++) { index[k] = new int[n]; weight[k] = new float[n]; }
        for (int b = 0; b < batch; b++)
        {
            var t = transforms.AsSpan(b * 8, 8);
            int baseRow = b * height * width;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int p = baseRow + y * width + x;
                    float projection = t[6] * x + t[7] * y + 1f;
                    if (projection == 0f)
                    {
                        index[0][p] = fill; weight[0][p] = 1f;
                        for (int k = 1; k < taps; k++) index[k][p] = fill;
                        continue;
                    }
                    float rawX = (t[0] * x + t[1] * y + t[2]) / projection, rawY = (t[3] * x + t[4] * y + t[5]) / projection;
                    if (!float.IsFinite(rawX) || !float.IsFinite(rawY))
                    {
                        index[0][p] = fill; weight[0][p] = 1f;
                        for (int k = 1; k < taps; k++) index[k][p] = fill;
                        continue;
                    }
                    float inX = MapCoordinate(rawX, width, fillMode), inY = MapCoordinate(rawY, height, fillMode);
                    if (!bilinear)
                    {
                        // std::round: halves away from zero.
                        int ry = (int)MathF.Round(inY, MidpointRounding.AwayFromZero), rx = (int)MathF.Round(inX, MidpointRounding.AwayFromZero);
                        index[0][p] = Read(baseRow, ry, rx, height, width, fill); weight[0][p] = 1f;
                        continue;
                    }
                    float y0 = MathF.Floor(inY), x0 = MathF.Floor(inX), y1 = y0 + 1, x1 = x0 + 1;
                    index[0][p] = Read(baseRow, (int)y0, (int)x0, height, width, fill); weight[0][p] = (y1 - inY) * (x1 - inX);
                    index[1][p] = Read(baseRow, (int)y0, (int)x1, height, width, fill); weight[1][p] = (y1 - inY) * (inX - x0);
                    index[2][p] = Read(baseRow, (int)y1, (int)x0, height, width, fill); weight[2][p] = (inY - y0) * (x1 - inX);
                    index[3][p] = Read(baseRow, (int)y1, (int)x1, height, width, fill); weight[3][p] = (inY - y0) * (inX - x0);
                }
        }
        return (index, weight);
    }

    private static int Read(int baseRow, int y, int x, int height, int width, int fill) =>
        y >= 0 && y < height && x >= 0 && x < width ? baseRow + y * width + x : fill;

    /// <summary>
    /// Brings an input coordinate back into [0, len − 1] as the fill mode says (TensorFlow's
    /// <c>MapCoordinate</c>, including its truncations); "constant" leaves it outside, to read the fill value.
    /// </summary>
    internal static float MapCoordinate(float c, int len, string fillMode)
    {
        switch (fillMode)
        {
            case "reflect":
                // (d c b a | a b c d | d c b a): reflection about the edge of the last pixel.
                if (c < 0)
                {
                    if (len <= 1) c = 0;
                    else
                    {
                        int sz2 = 2 * len;
                        if (c < sz2) c = sz2 * (long)(-c / sz2) + c;
                        c = c < -len ? c + sz2 : -c - 1;
                    }
                }
                else if (c > len - 1)
                {
                    if (len <= 1) c = 0;
                    else
                    {
                        int sz2 = 2 * len;
                        c -= sz2 * (long)(c / sz2);
                        if (c >= len) c = sz2 - c - 1;
                    }
                }
                return Math.Clamp(c, 0f, len - 1);
            case "wrap":
                // (a b c d | a b c d | a b c d).
                if (c < 0)
                {
                    if (len <= 1) c = 0;
                    else c += len * ((long)(-c / (len - 1)) + 1);
                }
                else if (c > len - 1)
                {
                    if (len <= 1) c = 0;
                    else c -= len * (long)(c / (len - 1));
                }
                return Math.Clamp(c, 0f, len - 1);
            case "nearest":
                return Math.Clamp(c, 0f, len - 1);
            default:
                return c;
        }
    }
}
