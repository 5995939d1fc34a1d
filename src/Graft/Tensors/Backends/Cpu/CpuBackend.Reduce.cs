using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// Reduces x over <paramref name="axes"/> (sorted, distinct) into y (x's shape without them, or
    /// with them as 1). Contiguous axes are viewed as [outer, reduced, inner]; scattered axes are
    /// first permuted to the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reduce(ReduceOp op, Tensor x, int[] axes, Tensor y)
    {
        var dims = x.Shape.Dims;
        if (axes.Length == 0) { Copy(x, y); return; }
        bool contiguous = axes[^1] - axes[0] == axes.Length - 1;
        if (!contiguous)
        {
            var keep = Enumerable.Range(0, dims.Length).Where(a => !axes.Contains(a)).ToArray();
            var perm = keep.Concat(axes).ToArray();
            var permuted = Tensor.Empty(Shape.Wrap(perm.Select(p => dims[p]).ToArray()), zero: false, Device.Cpu);
            Permute(x, perm, permuted);
            Reduce(op, permuted, Enumerable.Range(keep.Length, axes.Length).ToArray(), y);
            return;
        }
        int outer = 1, red = 1, inner = 1;
        for (int i = 0; i < axes[0]; i++) outer *= dims[i];
        foreach (int a in axes) red *= dims[a];
        for (int i = axes[^1] + 1; i < dims.Length; i++) inner *= dims[i];
        float[] xd = x.Data, yd = y.Data;
        if (red == 0)
        {
            yd.AsSpan().Fill(op == ReduceOp.Sum ? 0f : op == ReduceOp.Max ? float.NegativeInfinity : float.PositiveInfinity);
            return;
        }
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = xd.AsSpan(o * red, red);
                yd[o] = op switch { ReduceOp.Sum => TensorPrimitives.Sum(row), ReduceOp.Max => TensorPrimitives.Max(row), _ => TensorPrimitives.Min(row) };
            }
            return;
        }
        if (op == ReduceOp.Sum && outer == 1 && inner <= 256 && red >= 64)
        {
            ColumnSums(xd, red, inner, yd);
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var acc = yd.AsSpan(o * inner, inner);
            xd.AsSpan(o * red * inner, inner).CopyTo(acc);
            for (int r = 1; r < red; r++)
            {
                var row = xd.AsSpan((o * red + r) * inner, inner);
                switch (op)
                {
                    case ReduceOp.Sum: TensorPrimitives.Add(acc, row, acc); break;
                    case ReduceOp.Max: TensorPrimitives.Max(acc, row, acc); break;
                    default: TensorPrimitives.Min(acc, row, acc); break;
                }
            }
        }
    }

    /// <summary>Elements per block of a column sum: blocks of about 128 KiB, a few per thread.</summary>
    private const int ColumnSumBlockElements = 1 << 15;

    /// <summary>
    /// Rows per block of a column sum, from the shape alone. The rows are cut into blocks, each
    /// block summed row by row into its own partial, and the partials added in block order, so the
    /// sums are bitwise the same however many threads share the blocks.
    /// </summary>
    private static int ColumnSumBlockRows(int cols) => Math.Max(8, ColumnSumBlockElements / Math.Max(1, cols));

    /// <summary>y[j] = Σ_b partial[b·cols + j], blocks added in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddBlockSums(float[] partial, int blocks, int cols, Span<float> y)
    {
        partial.AsSpan(0, cols).CopyTo(y);
        for (int b = 1; b < blocks; b++) TensorPrimitives.Add(y, partial.AsSpan(b * cols, cols), y);
    }

    /// <summary>
    /// Sums the rows of a tall, narrow matrix (a bias gradient over N·H·W positions, batch
    /// statistics): blocks of rows fixed by <see cref="ColumnSumBlockRows"/> are summed on the
    /// kernel workers, then added in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ColumnSums(float[] x, int rows, int cols, float[] y)
    {
        int blockRows = ColumnSumBlockRows(cols), blocks = Math.Max(1, (rows + blockRows - 1) / blockRows);
        var partial = BufferPool.Current.Rent(blocks * cols);
        fixed (float* px = x, pp = partial)
        {
            float* xs = px, ps = pp;
            Kernels.WorkerPool.Run(blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (blk) =>
            {
                int r0 = blk * blockRows, count = Math.Min(rows, r0 + blockRows) - r0;
                new Span<float>(ps + (long)blk * cols, cols).Clear();
                Kernels.ColumnSumKernels.AddRows(xs + (long)r0 * cols, count, cols, ps + (long)blk * cols);
            });
        }
        AddBlockSums(partial, blocks, cols, y.AsSpan(0, cols));
        BufferPool.Current.Return(partial);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void UnaryBackwardWithColumnSums(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor sums, float a = 0, float b = 0)
    {
        int cols = sums.Size, rows = gx.Size / Math.Max(1, cols);
        float[] xd = x.Data, yd = y.Data, gyd = gy.Data, gxd = gx.Data;
        // The same blocks as ColumnSums: the bias gradient does not depend on the thread count.
        int blockRows = ColumnSumBlockRows(cols), blocks = Math.Max(1, (rows + blockRows - 1) / blockRows);
        var partial = BufferPool.Current.Rent(blocks * cols);
        const int SliceRows = 128; // the activation gradient of a slice is summed while still in L1
        fixed (float* pgx = gxd, pp = partial)
        {
            float* gxs = pgx, ps = pp;
            Kernels.WorkerPool.Run(blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (blk) =>
            {
                float* acc = ps + (long)blk * cols;
                new Span<float>(acc, cols).Clear();
                for (int r = blk * blockRows, r1 = Math.Min(rows, r + blockRows); r < r1; r += SliceRows)
                {
                    int count = Math.Min(SliceRows, r1 - r), offset = r * cols, len = count * cols;
                    UnarySpanBackward(op, xd.AsSpan(offset, len), yd.AsSpan(offset, len), gyd.AsSpan(offset, len), gxd.AsSpan(offset, len), a, b);
                    Kernels.ColumnSumKernels.AddRows(gxs + offset, count, cols, acc);
                }
            });
        }
        AddBlockSums(partial, blocks, cols, sums.Data.AsSpan(0, cols));
        BufferPool.Current.Return(partial);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ArgMax(Tensor x, int axis, Tensor y, bool max)
    {
        var dims = x.Shape.Dims;
        int outer = 1, n = dims[axis], inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        float[] xd = x.Data, yd = y.Data;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int best = 0; float bv = xd[o * n * inner + j];
                for (int k = 1; k < n; k++)
                {
                    float v = xd[(o * n + k) * inner + j];
                    // First occurrence wins, as in NumPy; NaN counts as the extreme, as in NumPy.
                    if (float.IsNaN(bv)) break;
                    if (float.IsNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = k; }
                }
                yd[o * inner + j] = best;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int outer, int n, int inner) View3(Shape s, int axis)
    {
        var dims = s.Dims;
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[axis], inner);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Softmax(Tensor x, int axis, Tensor y, bool log)
    {
        var (outer, n, inner) = View3(x.Shape, axis);
        float[] xd = x.Data, yd = y.Data;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var xs = xd.AsSpan(o * n, n); var ys = yd.AsSpan(o * n, n);
                float m = TensorPrimitives.Max(xs);
                TensorPrimitives.Subtract(xs, m, ys);           // shift by the max: exp never overflows
                if (log)
                {
                    float lse = MathF.Log(SumExp(ys));
                    TensorPrimitives.Subtract(ys, lse, ys);
                }
                else
                {
                    TensorPrimitives.Exp(ys, ys);
                    TensorPrimitives.Divide(ys, TensorPrimitives.Sum(ys), ys);
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int b = o * n * inner + j;
                float m = float.NegativeInfinity;
                for (int k = 0; k < n; k++) m = MathF.Max(m, xd[b + k * inner]);
                double sum = 0;
                for (int k = 0; k < n; k++) sum += MathF.Exp(xd[b + k * inner] - m);
                float lse = (float)Math.Log(sum);
                for (int k = 0; k < n; k++)
                {
                    float z = xd[b + k * inner] - m - lse;
                    yd[b + k * inner] = log ? z : MathF.Exp(z);
                }
            }
    }

    private static float SumExp(ReadOnlySpan<float> shifted)
    {
        Span<float> tmp = shifted.Length <= 1024 ? stackalloc float[shifted.Length] : new float[shifted.Length];
        TensorPrimitives.Exp(shifted, tmp);
        return TensorPrimitives.Sum(tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SoftmaxBackward(Tensor y, Tensor gy, int axis, Tensor gx, bool log)
    {
        // softmax:     gx = y ⊙ (gy − Σ gy⊙y)
        // log-softmax: gx = gy − e^y ⊙ Σ gy
        var (outer, n, inner) = View3(y.Shape, axis);
        float[] yd = y.Data, gyd = gy.Data, gxd = gx.Data;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int b = o * n * inner + j;
                float dot = 0f;
                for (int k = 0; k < n; k++) dot += log ? gyd[b + k * inner] : gyd[b + k * inner] * yd[b + k * inner];
                for (int k = 0; k < n; k++)
                {
                    int i = b + k * inner;
                    gxd[i] = log ? gyd[i] - MathF.Exp(yd[i]) * dot : yd[i] * (gyd[i] - dot);
                }
            }
    }
}
