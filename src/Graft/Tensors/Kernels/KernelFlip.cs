using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Graft.Tensors.Kernels;

/// <summary>
/// The kernel of an input gradient: a convolution's kernel (taps, C, Cout) flipped in space and
/// its channel axes swapped, (taps, Cout, C), so that dX is a forward convolution of dY.
/// </summary>
/// <remarks>
/// Each tap is a C × Cout transpose. Done a value at a time, rows of 256 or 512 channels lie 1 or
/// 2 KiB apart and fall into a few sets of L1, so even a 16 × 16 tile does not stay there: a
/// 3×3 512 → 512 kernel took 3.4 ms on one thread while the other waited, a sixth of that layer's
/// input gradient. Here each 8 × 8 block is read as 8 vectors, transposed in registers (or through
/// a small buffer in L1 without 256-bit vectors) and written as 8 vectors, and the rows are shared
/// between threads: 1.5 ms on two threads, as fast as memory gives the kernel (9.4 MB read and
/// written). A copy changes no value, so the split does not matter to the results.
/// </remarks>
internal static unsafe class KernelFlip
{
    /// <summary>Values below which the flip runs on one thread: a split costs a few microseconds.</summary>
    private const long ParallelMinValues = 1 << 16;

    /// <summary>Rows of a tap (input channels) per job: a whole number of 8-row blocks.</summary>
    private const int JobRows = 64;

    /// <summary>dst[t, co, ci] = k[taps − 1 − t, ci, co] for a kernel (taps, c, cout).</summary>
    /// <param name="k">The forward kernel, taps × c × cout.</param>
    /// <param name="taps">Window positions (KH·KW).</param>
    /// <param name="c">Input channels of the forward convolution.</param>
    /// <param name="cout">Output channels of the forward convolution.</param>
    /// <param name="dst">taps × cout × c floats, overwritten.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FlipTaps(float* k, int taps, int c, int cout, float* dst)
    {
        long plane = (long)c * cout;
        int jobsPerTap = (c + JobRows - 1) / JobRows, jobs = taps * jobsPerTap;
        int parts = taps * plane >= ParallelMinValues ? Math.Min(jobs, WorkerPool.Threads) : 1;
        float* pk = k, pd = dst;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            for (int j = (int)((long)jobs * p / parts), end = (int)((long)jobs * (p + 1) / parts); j < end; j++)
            {
                int t = j / jobsPerTap, r0 = (j - t * jobsPerTap) * JobRows, r1 = Math.Min(c, r0 + JobRows);
                Transpose(pk + (taps - 1 - t) * plane, c, cout, r0, r1, pd + t * plane);
            }
        });
    }

    /// <summary>dst[j, i] = src[i, j] for rows r0 … r1 − 1 of a row-major rows × cols src (dst: cols × rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(float* src, int rows, int cols, int r0, int r1, float* dst)
    {
        int i = r0;
        for (; i + 8 <= r1; i += 8)
        {
            int j = 0;
            for (; j + 8 <= cols; j += 8) Block8(src + (long)i * cols + j, cols, dst + (long)j * rows + i, rows);
            for (; j < cols; j++)
                for (int q = 0; q < 8; q++) dst[(long)j * rows + i + q] = src[(long)(i + q) * cols + j];
        }
        for (; i < r1; i++)
            for (int j = 0; j < cols; j++) dst[(long)j * rows + i] = src[(long)i * cols + j];
    }

    /// <summary>An 8 × 8 block: d[j·ldd + i] = s[i·lds + j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(float* s, int lds, float* d, int ldd)
    {
        if (Avx.IsSupported)
        {
            var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + lds);
            var r2 = Avx.LoadVector256(s + 2 * lds); var r3 = Avx.LoadVector256(s + 3 * lds);
            var r4 = Avx.LoadVector256(s + 4 * lds); var r5 = Avx.LoadVector256(s + 5 * lds);
            var r6 = Avx.LoadVector256(s + 6 * lds); var r7 = Avx.LoadVector256(s + 7 * lds);
            // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
            return;
        }
        // Each source line read once into L1, each destination line written once.
        float* buffer = stackalloc float[64];
        for (int i = 0; i < 8; i++) Unsafe.CopyBlockUnaligned(buffer + i * 8, s + (long)i * lds, 8 * sizeof(float));
        for (int j = 0; j < 8; j++)
        {
            float* row = d + (long)j * ldd;
            for (int i = 0; i < 8; i++) row[i] = buffer[i * 8 + j];
        }
    }
}
