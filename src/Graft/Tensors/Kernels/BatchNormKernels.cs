using System.Numerics;
using System.Runtime.CompilerServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Batch normalization over channels-last data viewed as (rows × C): the per-channel statistics,
/// the normalization and its gradient in a few passes over the data, where the composed ops take a
/// dozen (a subtraction, a square, a mean, products and sums, each writing a full tensor).
/// </summary>
/// <remarks>
/// Sums over rows are cut into fixed chunks of <see cref="ChunkRows"/> rows, each summed in float
/// by one thread in row order, and the chunks added in order in float64: the result depends on
/// the shape alone, never on the thread count (see <see cref="WorkerPool"/>), and a long sum loses
/// no more than a chunk's worth of float32 rounding.
/// </remarks>
internal static unsafe class BatchNormKernels
{
    private const int ChunkRows = 64;

    /// <summary>mean[c] and the biased variance[c] of x's columns, in two passes (no cancellation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Moments(float* x, int rows, int c, float* mean, float* variance)
    {
        var sums = ChunkSums(rows, c, (r0, r1, acc) =>
        {
            for (int r = r0; r < r1; r++) AddTo(acc, x + (long)r * c, c);
        });
        for (int j = 0; j < c; j++) mean[j] = (float)(sums[j] / rows);
        float* m = mean;
        var sq = ChunkSums(rows, c, (r0, r1, acc) =>
        {
            for (int r = r0; r < r1; r++) AddSquaredDeviation(acc, x + (long)r * c, m, c);
        });
        for (int j = 0; j < c; j++) variance[j] = (float)(sq[j] / rows);
    }

    /// <summary>y[r, j] = x[r, j]·scale[j] + shift[j], rows split between threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleShift(float* x, int rows, int c, float* scale, float* shift, float* y)
    {
        int parts = (long)rows * c >= 1 << 15 ? Math.Min(rows, WorkerPool.Threads) : 1;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            for (long r = (long)rows * p / parts, end = (long)rows * (p + 1) / parts; r < end; r++)
                ScaleShiftRow(x + r * c, scale, shift, y + r * c, c);
        });
    }

    /// <summary>
    /// The gradient of y = (x − mean)·invStd·γ + β given gy: Σgy and Σgy·(x − mean) per channel
    /// (for β and γ, and for dx through the batch statistics), then
    /// dx = γ·invStd·(gy − Σgy/n − (x − mean)·invStd²·Σgy·(x − mean)/n).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* x, float* gy, int rows, int c, float* mean, float* invStd, float* gamma,
        float* gx, float* gGamma, float* gBeta)
    {
        var sums = ChunkSums(rows, 2 * c, (r0, r1, acc) =>
        {
            for (int r = r0; r < r1; r++) AddGradientSums(acc, acc + c, x + (long)r * c, gy + (long)r * c, mean, c);
        });
        for (int j = 0; j < c; j++)
        {
            if (gBeta != null) gBeta[j] = (float)sums[j];
            if (gGamma != null) gGamma[j] = (float)(sums[c + j] * invStd[j]);
        }
        if (gx == null) return;
        // dx = p·gy + q·x + s per channel.
        var coef = new float[3 * c];
        fixed (float* pc = coef)
        {
            for (int j = 0; j < c; j++)
            {
                double a = (gamma == null ? 1.0 : gamma[j]) * (double)invStd[j];
                double k2 = sums[j] / rows, k3 = (double)invStd[j] * invStd[j] * sums[c + j] / rows;
                pc[j] = (float)a;
                pc[c + j] = (float)(-a * k3);
                pc[2 * c + j] = (float)(a * (k3 * mean[j] - k2));
            }
            float* p = pc, q = pc + c, s = pc + 2 * c;
            int parts = (long)rows * c >= 1 << 15 ? Math.Min(rows, WorkerPool.Threads) : 1;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                for (long r = (long)rows * part / parts, end = (long)rows * (part + 1) / parts; r < end; r++)
                    GradientRow(gy + r * c, x + r * c, p, q, s, gx + r * c, c);
            });
        }
    }

    /// <summary>
    /// Per-column sums over rows in fixed chunks: <paramref name="body"/>(r0, r1, acc) adds rows
    /// [r0, r1) into a zeroed float accumulator of <paramref name="width"/>; chunks are added in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] ChunkSums(int rows, int width, ChunkBody body)
    {
        int chunks = Math.Max(1, (rows + ChunkRows - 1) / ChunkRows);
        var partial = BufferPool.Current.Rent(chunks * width);
        fixed (float* pp = partial)
        {
            float* pr = pp;
            int parts = (long)rows * width >= 1 << 15 ? Math.Min(chunks, WorkerPool.Threads) : 1;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
            {
                for (int k = chunks * p / parts, end = chunks * (p + 1) / parts; k < end; k++)
                {
                    float* acc = pr + (long)k * width;
                    new Span<float>(acc, width).Clear();
                    body(k * ChunkRows, Math.Min(rows, (k + 1) * ChunkRows), acc);
                }
            });
            var total = new double[width];
            for (int k = 0; k < chunks; k++)
            {
                float* acc = pp + (long)k * width;
                for (int j = 0; j < width; j++) total[j] += acc[j];
            }
            BufferPool.Current.Return(partial);
            return total;
        }
    }

    private delegate void ChunkBody(int r0, int r1, float* acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* acc, float* row, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
            Store(acc + j, Load(acc + j) + Load(row + j));
        for (; j < c; j++) acc[j] += row[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSquaredDeviation(float* acc, float* row, float* mean, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
        {
            var d = Load(row + j) - Load(mean + j);
            Store(acc + j, Load(acc + j) + d * d);
        }
        for (; j < c; j++) { float d = row[j] - mean[j]; acc[j] += d * d; }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddGradientSums(float* sumGy, float* sumGyX, float* x, float* gy, float* mean, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
        {
            var g = Load(gy + j);
            Store(sumGy + j, Load(sumGy + j) + g);
            Store(sumGyX + j, Load(sumGyX + j) + g * (Load(x + j) - Load(mean + j)));
        }
        for (; j < c; j++) { sumGy[j] += gy[j]; sumGyX[j] += gy[j] * (x[j] - mean[j]); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleShiftRow(float* x, float* scale, float* shift, float* y, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
            Store(y + j, Load(x + j) * Load(scale + j) + Load(shift + j));
        for (; j < c; j++) y[j] = x[j] * scale[j] + shift[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRow(float* gy, float* x, float* p, float* q, float* s, float* gx, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
            Store(gx + j, Load(gy + j) * Load(p + j) + Load(x + j) * Load(q + j) + Load(s + j));
        for (; j < c; j++) gx[j] = gy[j] * p[j] + x[j] * q[j] + s[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, Vector<float> v) => Unsafe.WriteUnaligned(p, v);
}
