using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

internal sealed unsafe partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MatMul(Tensor a, bool transA, Tensor b, bool transB, Tensor c, bool accumulate)
    {
        var ad = a.Shape.Dims; var bd = b.Shape.Dims; var cd = c.Shape.Dims;
        int m = cd[^2], n = cd[^1];
        int k = transA ? ad[^2] : ad[^1];
        int batch = c.Size / Math.Max(1, m * n);
        int aBatch = a.Size / Math.Max(1, m * k), bBatch = b.Size / Math.Max(1, k * n);
        // A is stored [.., M, K] (or [.., K, M] when transposed): element (i, p) at i·rs + p·cs.
        int rsA = transA ? 1 : k, csA = transA ? m : 1;
        int rsB = transB ? 1 : n, csB = transB ? k : 1;
        fixed (float* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            for (int t = 0; t < batch; t++)
            {
                float* at = pa + (aBatch == 1 ? 0 : (long)t * m * k);
                float* bt = pb + (bBatch == 1 ? 0 : (long)t * k * n);
                Gemm.Multiply(m, n, k, at, rsA, csA, bt, rsB, csB, pc + (long)t * m * n, n, accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Dense(Tensor x, Tensor w, Tensor? bias, EpilogueActivation activation, Tensor y)
    {
        int m = x.Shape[0], k = x.Shape[1], n = w.Shape[1];
        fixed (float* px = x.Data, pw = w.Data, py = y.Data, pb = bias is null ? null : bias.Data)
            Gemm.Multiply(m, n, k, px, k, 1, pw, n, 1, py, n, false, new Epilogue(pb, activation));
    }
    // Up to this many samples an input gradient is computed transposed (see DenseInputGradient).
    private const int TransposedInputGradientMaxBatch = 64;

    [ThreadStatic] private static float[]? t_transposedInputGradient;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DenseInputGradient(Tensor gz, Tensor w, Tensor gx)
    {
        int batch = gz.Shape[0], n = gz.Shape[1], k = w.Shape[0];
        // gz·wᵀ over a small batch packs all of wᵀ (a strided gather) to serve a few rows. w·gzᵀ has
        // the same products, summed over the same n in the same order (a product of two floats does
        // not depend on their order, and the K panels depend on n alone), but reads w in place and
        // packs only gz; its (K, B) result is then transposed. Unless Gemm would split the sums
        // along n for either shape.
        long flops = 2L * batch * n * k;
        long tiles = (long)((batch + Gemm.MR - 1) / Gemm.MR) * ((k + Gemm.NR - 1) / Gemm.NR);
        long tilesT = (long)((k + Gemm.MR - 1) / Gemm.MR) * ((batch + Gemm.NR - 1) / Gemm.NR);
        if (batch > TransposedInputGradientMaxBatch || batch == 0 || k == 0 || n == 0
            || Gemm.SplitKChunks(batch, k, n, tiles, flops, default) > 1 || Gemm.SplitKChunks(k, batch, n, tilesT, flops, default) > 1)
        {
            MatMul(gz, false, w, true, gx, false);
            return;
        }
        var scratch = t_transposedInputGradient is { } s && s.Length >= k * batch ? s : (t_transposedInputGradient = new float[Math.Max(k * batch, 1 << 12)]);
        fixed (float* pg = gz.Data, pw = w.Data, ps = scratch)
            Gemm.Multiply(k, batch, n, pw, n, 1, pg, 1, n, ps, batch, false);
        Transpose2D(scratch, gx.Data, k, batch);
    }

    // Rows of a weight gradient computed per block handed to the update: about 64 KiB of floats,
    // which stay in L1/L2 between the product writing them and the update reading them.
    private const int WeightUpdateBlockFloats = 1 << 14;

    [ThreadStatic] private static float[]? t_weightGradientBlock;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool DenseWeightUpdate(Tensor x, Tensor gz, WeightRangeUpdate update)
    {
        int depth = x.Shape[0], m = x.Shape[1], n = gz.Shape[1];
        if (depth == 0 || m == 0 || n == 0) return false;
        // MatMul(x, gz, transA) goes to Gemm.Multiply, which sums each element over the whole depth
        // in K panels, the same way whatever rows are computed together, unless it splits K.
        long flops = 2L * m * n * depth;
        long tiles = (long)((m + Gemm.MR - 1) / Gemm.MR) * ((n + Gemm.NR - 1) / Gemm.NR);
        if (Gemm.SplitKChunks(m, n, depth, tiles, flops, default) > 1) return false;
        int rows = Math.Max(Gemm.MR, WeightUpdateBlockFloats / n / Gemm.MR * Gemm.MR);
        int blocks = (m + rows - 1) / rows;
        int parts = flops < Gemm.ParallelMinFlops ? 1 : Math.Min(WorkerPool.Threads, blocks);
        bool packWhole = Gemm.CanPackWholeB(n);
        var packed = packWhole ? BufferPool.Current.Rent((int)Gemm.PackedBLength(Gemm.Kernel, n, depth)) : null;
        try
        {
            fixed (float* px = x.Data, pg = gz.Data, pp = packed)
            {
                // B (gz) is shared by every block: packed once, read by all threads.
                if (packWhole) Gemm.PackWholeB(Gemm.Kernel, n, depth, pg, n, 1, pp);
                float* xp = px, gp = pg, bp = pp;
                if (parts == 1) WeightUpdateBlocks(0, blocks, rows, m, n, depth, xp, gp, bp, update);
                else WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
                    WeightUpdateBlocks((int)((long)blocks * p / parts), (int)((long)blocks * (p + 1) / parts), rows, m, n, depth, xp, gp, bp, update));
            }
        }
        finally { if (packed is not null) BufferPool.Current.Return(packed); }
        return true;
    }

    /// <summary>Blocks b0..b1 of <paramref name="rows"/> rows of xᵀ·gz, each computed into this thread's scratch and handed to the update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightUpdateBlocks(int b0, int b1, int rows, int m, int n, int depth, float* x, float* gz, float* packedGz, WeightRangeUpdate update)
    {
        var scratch = t_weightGradientBlock is { } s && s.Length >= rows * n ? s : (t_weightGradientBlock = new float[rows * n]);
        fixed (float* ps = scratch)
            for (int b = b0; b < b1; b++)
            {
                int r0 = b * rows, count = Math.Min(rows, m - r0);
                // xᵀ's rows are x's columns: element (i, p) at x[p·m + i].
                Gemm.Serial(Gemm.Kernel, count, n, depth, x + r0, 1, m, gz, n, 1, ps, n, false, default, packedGz);
                update(r0 * n, new ReadOnlySpan<float>(ps, count * n));
            }
    }
}
