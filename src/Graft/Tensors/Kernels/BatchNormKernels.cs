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

    /// <summary>
    /// mean[c] and the biased variance[c] of x's columns in one pass over memory: each chunk of
    /// <see cref="ChunkRows"/> rows is read twice while it is in cache, once for its own mean a_k and
    /// once for the sums S_k = Σ(x − a_k) and Q_k = Σ(x − a_k)² about it (no cancellation), and the
    /// chunks are combined in order in float64: mean = Σ(n_k·a_k + S_k)/n and
    /// n·variance = Σ Q_k + 2(a_k − mean)·S_k + n_k(a_k − mean)², which is exact for any a_k.
    /// Reading a large activation once instead of twice (a mean pass, then a deviation pass) is
    /// a third of a training BatchNormalization's forward memory traffic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Moments(float* x, int rows, int c, float* mean, float* variance)
    {
        int chunks = Math.Max(1, (rows + ChunkRows - 1) / ChunkRows);
        var partial = BufferPool.Current.Rent(chunks * 3 * c);
        fixed (float* pp = partial)
        {
            float* pr = pp;
            int parts = (long)rows * c >= 1 << 15 ? Math.Min(chunks, WorkerPool.Threads) : 1;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
            {
                for (int k = chunks * p / parts, end = chunks * (p + 1) / parts; k < end; k++)
                {
                    float* a = pr + (long)k * 3 * c, s1 = a + c, q = s1 + c;
                    int r0 = k * ChunkRows, r1 = Math.Min(rows, r0 + ChunkRows);
                    new Span<float>(a, 3 * c).Clear();
                    for (int r = r0; r < r1; r++) AddTo(a, x + (long)r * c, c);
                    float count = r1 - r0;
                    for (int j = 0; j < c; j++) a[j] /= count;
                    for (int r = r0; r < r1; r++) AddDeviationSums(s1, q, x + (long)r * c, a, c);
                }
            });
            var mu = new double[c];
            var m2 = new double[c];
            for (int k = 0; k < chunks; k++)
            {
                float* a = pp + (long)k * 3 * c;
                int n = ChunkLength(k, rows);
                for (int j = 0; j < c; j++) mu[j] += (double)n * a[j] + a[c + j];
            }
            for (int j = 0; j < c; j++) mu[j] /= rows;
            for (int k = 0; k < chunks; k++)
            {
                float* a = pp + (long)k * 3 * c;
                int n = ChunkLength(k, rows);
                for (int j = 0; j < c; j++)
                {
                    double d = a[j] - mu[j];
                    m2[j] += a[2 * c + j] + 2 * d * a[c + j] + n * d * d;
                }
            }
            for (int j = 0; j < c; j++)
            {
                mean[j] = (float)mu[j];
                variance[j] = (float)(m2[j] / rows);
            }
        }
        BufferPool.Current.Return(partial);
    }

    private static int ChunkLength(int k, int rows) => Math.Min(rows, (k + 1) * ChunkRows) - k * ChunkRows;

    /// <summary>
    /// y[r, j] = x[r, j]·scale[j] + shift[j], then max(·, 0) when <paramref name="relu"/> (a relu
    /// after the normalization, with the bits of the two separate passes), rows split between threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleShift(float* x, int rows, int c, float* scale, float* shift, float* y, bool relu = false)
    {
        int parts = (long)rows * c >= 1 << 15 ? Math.Min(rows, WorkerPool.Threads) : 1;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            for (long r = (long)rows * p / parts, end = (long)rows * (p + 1) / parts; r < end; r++)
                if (relu) ScaleShiftReluRow(x + r * c, scale, shift, y + r * c, c);
                else ScaleShiftRow(x + r * c, scale, shift, y + r * c, c);
        });
    }

    /// <summary>
    /// The gradient of y = (x − mean)·invStd·γ + β given gy: Σgy and Σgy·(x − mean) per channel
    /// (for β and γ, and for dx through the batch statistics), then
    /// dx = γ·invStd·(gy − Σgy/n − (x − mean)·invStd²·Σgy·(x − mean)/n).
    /// </summary>
    /// <remarks>
    /// With <paramref name="scale"/> and <paramref name="shift"/> (the forward pass's, not null), the
    /// normalization was followed by a relu whose gradient comes first: gy counts only where
    /// x·scale + shift, computed again here as the forward pass computed it, is above zero, which
    /// is where the relu's output is (NaN included). The relu's own pass, reading its output and
    /// writing a masked gradient, is then not needed.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* x, float* gy, int rows, int c, float* mean, float* invStd, float* gamma,
        float* gx, float* gGamma, float* gBeta, float* scale = null, float* shift = null)
    {
        bool relu = scale != null;
        var sums = ChunkSums(rows, 2 * c, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (r0, r1, acc) =>
        {
            for (int r = r0; r < r1; r++)
                if (relu) AddMaskedGradientSums(acc, acc + c, x + (long)r * c, gy + (long)r * c, mean, scale, shift, c);
                else AddGradientSums(acc, acc + c, x + (long)r * c, gy + (long)r * c, mean, c);
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
                    if (relu) MaskedGradientRow(gy + r * c, x + r * c, p, q, s, scale, shift, gx + r * c, c);
                    else GradientRow(gy + r * c, x + r * c, p, q, s, gx + r * c, c);
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

    /// <summary>s1 += row − a and q += (row − a)², column by column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddDeviationSums(float* s1, float* q, float* row, float* a, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
        {
            var d = Load(row + j) - Load(a + j);
            Store(s1 + j, Load(s1 + j) + d);
            Store(q + j, Load(q + j) + d * d);
        }
        for (; j < c; j++) { float d = row[j] - a[j]; s1[j] += d; q[j] += d * d; }
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

    /// <summary>
    /// The gradient sums of a row whose gy passed through a relu first: gy where the normalized
    /// value <see cref="Normalized(Vector{float}, Vector{float}, Vector{float})"/> is above zero, else 0,
    /// the same values the relu's gradient pass would have written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddMaskedGradientSums(float* sumGy, float* sumGyX, float* x, float* gy, float* mean, float* scale, float* shift, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
        {
            var xv = Load(x + j);
            var g = Vector.ConditionalSelect(Vector.GreaterThan(Normalized(xv, Load(scale + j), Load(shift + j)), Vector<float>.Zero), Load(gy + j), Vector<float>.Zero);
            Store(sumGy + j, Load(sumGy + j) + g);
            Store(sumGyX + j, Load(sumGyX + j) + g * (xv - Load(mean + j)));
        }
        for (; j < c; j++)
        {
            float g = Normalized(x[j], scale[j], shift[j]) > 0 ? gy[j] : 0f;
            sumGy[j] += g; sumGyX[j] += g * (x[j] - mean[j]);
        }
    }

    /// <summary><see cref="GradientRow"/> for a gy that passed through a relu first (see <see cref="AddMaskedGradientSums"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskedGradientRow(float* gy, float* x, float* p, float* q, float* s, float* scale, float* shift, float* gx, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
        {
            var xv = Load(x + j);
            var g = Vector.ConditionalSelect(Vector.GreaterThan(Normalized(xv, Load(scale + j), Load(shift + j)), Vector<float>.Zero), Load(gy + j), Vector<float>.Zero);
            Store(gx + j, g * Load(p + j) + xv * Load(q + j) + Load(s + j));
        }
        for (; j < c; j++)
        {
            float g = Normalized(x[j], scale[j], shift[j]) > 0 ? gy[j] : 0f;
            gx[j] = g * p[j] + x[j] * q[j] + s[j];
        }
    }

    /// <summary>
    /// x·scale + shift: the one expression the forward pass and the relu mask of the backward pass
    /// both use, so that the mask is computed from the very bits the forward pass wrote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Normalized(Vector<float> x, Vector<float> scale, Vector<float> shift) => x * scale + shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Normalized(float x, float scale, float shift) => x * scale + shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleShiftReluRow(float* x, float* scale, float* shift, float* y, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
            Store(y + j, Vector.Max(Normalized(Load(x + j), Load(scale + j), Load(shift + j)), Vector<float>.Zero));
        for (; j < c; j++) y[j] = MathF.Max(Normalized(x[j], scale[j], shift[j]), 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleShiftRow(float* x, float* scale, float* shift, float* y, int c)
    {
        int j = 0;
        for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
            Store(y + j, Normalized(Load(x + j), Load(scale + j), Load(shift + j)));
        for (; j < c; j++) y[j] = Normalized(x[j], scale[j], shift[j]);
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
