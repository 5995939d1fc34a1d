using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Single-precision matrix multiply, C = op(A)·op(B) (+ C when accumulating), in the Goto/BLIS
/// shape: B is packed into KC×NR panels that stay in L1, A into MC×KC blocks that stay in L2,
/// and an FMA micro-kernel keeps an MR×NR tile of C in registers.
/// </summary>
/// <remarks>
/// Matrices are addressed by (row stride, column stride), so transposed operands cost nothing
/// extra: packing reads them in whatever order they lie. The work is split between cores by
/// whole sub-blocks of C, each thread packing its own panels, so no thread ever waits on another.
/// <para>
/// Results are bitwise the same for any thread count. Every element of C is one FMA chain per
/// K panel, the panels added in order, and the panel depth depends on K alone; splitting the rows
/// or columns of C between threads changes who computes an element, never how. A split along K
/// (<see cref="SplitK"/>) does change the sums, so whether to split K, and where, is decided by
/// the shape alone, and the chunks are added in a fixed order.
/// </para>
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The micro-kernel this machine runs, chosen once at start-up from the widest vectors the JIT
    /// accelerates (only 128-bit ones on ARM64, or on x86 with AVX disabled).
    /// </summary>
    internal static readonly GemmKernel Kernel =
        Vector512.IsHardwareAccelerated ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated ? GemmKernel.Vector256
        : Vector128.IsHardwareAccelerated ? GemmKernel.Vector128
        : GemmKernel.Scalar;

    // Micro-tile: MR rows × NR columns of C live in registers during the k loop.
    // AVX-512: 12×32 = 24 zmm accumulators + 2 B vectors + 1 broadcast ≤ 32 registers.
    // AVX2:     6×16 = 12 ymm accumulators + 2 B vectors + 1 broadcast ≤ 16 registers.
    // 128-bit:  see Gemm.Vector128.cs.
    internal static readonly int MR = Rows(Kernel);
    internal static readonly int NR = Columns(Kernel);

    /// <summary>Rows of C in one micro-tile of <paramref name="kernel"/>.</summary>
    private static int Rows(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Vector512 => 12,
        GemmKernel.Vector128 => MR128,
        _ => 6,
    };

    /// <summary>Columns of C in one micro-tile of <paramref name="kernel"/>.</summary>
    private static int Columns(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Vector512 => 32,
        GemmKernel.Vector128 => NR128,
        _ => 16,
    };
    // This core's block sizes for its kernel (see Blocks for the rules and the measurements behind them).
    private static readonly (int Kc, int Mc, int Nc) Blocking = Blocks(MR, NR, CacheSizes.L1Data, CacheSizes.L2, CacheSizes.L3PerCore);
    private static readonly int KC = Blocking.Kc;
    private static readonly int MC = Blocking.Mc;
    private static readonly int NC = Blocking.Nc;
    private const int SmallM = 48; // at most this many rows: B is read in place, not packed

    /// <summary>Below this many flops a product runs on one thread (a split costs ~2 µs).</summary>
    internal const long ParallelMinFlops = 1 << 19;

    // Split-K: a small C over a long K is cut into chunks of K, summed separately and then added.
    private const int SplitKMinDepth = 1024;       // shallower products are never split along K
    private const int SplitKChunkDepth = 512;      // fewest K rows per chunk: enough to amortize packing
    private const int SplitKMaxChunks = 8;         // a power of two: shares evenly between 1, 2, 4 or 8 threads
    private const int SplitKMaxTiles = 16;         // a C of fewer micro-tiles has too few to share between threads
    private const int SplitKMaxOutput = 1 << 18;   // larger Cs split their rows or columns instead (scratch per chunk)

    /// <summary>
    /// C[i,j] (+)= Σ_p A[i,p]·B[p,j] with A(i,p) = a[i·rsA + p·csA], B(p,j) = b[p·rsB + j·csB],
    /// C(i,j) = c[i·ldc + j] (row-major C).
    /// </summary>
    public static void Multiply(int m, int n, int k,
        float* a, int rsA, int csA, float* b, int rsB, int csB,
        float* c, int ldc, bool accumulate) => Multiply(m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, accumulate, default);

    /// <summary>
    /// As above, then <paramref name="epilogue"/> (bias and activation) is applied to each C tile
    /// right after its last K panel, while the tile is still in L1: a Dense layer in one pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int m, int n, int k,
        float* a, int rsA, int csA, float* b, int rsB, int csB,
        float* c, int ldc, bool accumulate, Epilogue epilogue)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++)
            {
                if (!accumulate) new Span<float>(c + (long)i * ldc, n).Clear();
                epilogue.Apply(c + (long)i * ldc, 0, n);
            }
            return;
        }

        long flops = 2L * m * n * k;
        int mTiles = (m + MR - 1) / MR, nTiles = (n + NR - 1) / NR;
        int chunks = SplitKChunks(m, n, k, mTiles * nTiles, flops, epilogue);
        if (chunks > 1)
        {
            SplitK(m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, accumulate, chunks);
            return;
        }
        int threads = flops < ParallelMinFlops ? 1 : WorkerPool.Threads;
        if (threads > 1 && Math.Max(mTiles, nTiles) < threads) threads = 1;
        if (threads == 1)
        {
            Serial(Kernel, m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, accumulate, epilogue);
            return;
        }

        // Split on micro-tile boundaries. When A is read in place, splitting N lets each thread
        // pack only its half of B (splitting M would make every thread pack all of B); otherwise
        // split the dimension with more tiles.
        bool aInPlace = csA == 1 && Vector512.IsHardwareAccelerated;
        bool splitM = aInPlace && nTiles >= 2 * threads ? false : mTiles >= nTiles;
        int tiles = splitM ? mTiles : nTiles;
        var ap = a; var bp = b; var cp = c;
        WorkerPool.Run(threads, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) =>
        {
            int t0 = (int)((long)tiles * t / threads), t1 = (int)((long)tiles * (t + 1) / threads);
            if (splitM)
            {
                int i0 = t0 * MR, i1 = Math.Min(m, t1 * MR);
                if (i1 > i0)
                    Serial(Kernel, i1 - i0, n, k, ap + (long)i0 * rsA, rsA, csA, bp, rsB, csB, cp + (long)i0 * ldc, ldc, accumulate, epilogue);
            }
            else
            {
                int j0 = t0 * NR, j1 = Math.Min(n, t1 * NR);
                if (j1 > j0)
                    Serial(Kernel, m, j1 - j0, k, ap, rsA, csA, bp + (long)j0 * csB, rsB, csB, cp + j0, ldc, accumulate, epilogue.Shift(j0));
            }
        });
    }

    /// <summary>
    /// How many chunks of K to sum separately (1: none), from the shape alone, never the thread
    /// count, so that the sums are the same however many threads run them. A small C over a long
    /// K (a weight gradient summed over every position of a batch) has too few tiles to share
    /// out, and a K far longer than C is wide would make every thread of a row or column split
    /// pack all of the other operand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int SplitKChunks(int m, int n, int k, long tiles, long flops, Epilogue epilogue)
    {
        if (k < SplitKMinDepth || flops < ParallelMinFlops || epilogue.IsActive || (long)m * n > SplitKMaxOutput) return 1;
        if (tiles >= SplitKMaxTiles && k < 8L * Math.Max(m, n)) return 1;
        return Math.Min(SplitKMaxChunks, 1 << System.Numerics.BitOperations.Log2((uint)(k / SplitKChunkDepth)));
    }

    /// <summary>
    /// C (+)= A·B as <paramref name="chunks"/> products over equal slices of K: the first slice
    /// straight into C, the others into scratch, then each element of C adds slices 1, 2, … in
    /// that order. Threads take whole slices, so the arithmetic is the same for any thread count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SplitK(int m, int n, int k, float* a, int rsA, int csA, float* b, int rsB, int csB,
        float* c, int ldc, bool accumulate, int chunks)
    {
        long size = (long)m * n;
        var scratch = BufferPool.Current.Rent((int)(size * (chunks - 1)));
        fixed (float* ps = scratch)
        {
            float* ap = a, bp = b, cp = c, sp = ps;
            WorkerPool.Run(chunks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) =>
            {
                int k0 = (int)((long)k * t / chunks), k1 = (int)((long)k * (t + 1) / chunks);
                if (t == 0) Serial(Kernel, m, n, k1, ap, rsA, csA, bp, rsB, csB, cp, ldc, accumulate, default);
                else Serial(Kernel, m, n, k1 - k0, ap + (long)k0 * csA, rsA, csA, bp + (long)k0 * rsB, rsB, csB, sp + (t - 1) * size, n, false, default);
            });
            // Rows of C are shared between threads; each element's additions stay in slice order.
            int parts = size * (chunks - 1) >= 1 << 15 ? Math.Min(m, WorkerPool.Threads) : 1;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
            {
                for (int i = (int)((long)m * p / parts), end = (int)((long)m * (p + 1) / parts); i < end; i++)
                {
                    var dst = new Span<float>(cp + (long)i * ldc, n);
                    for (int t = 1; t < chunks; t++)
                        System.Numerics.Tensors.TensorPrimitives.Add(dst, new ReadOnlySpan<float>(sp + (t - 1) * size + (long)i * n, n), dst);
                }
            });
        }
        BufferPool.Current.Return(scratch);
    }

    [ThreadStatic] private static float[]? t_packA, t_packB;

    /// <summary>
    /// C (+)= A·B on this thread with <paramref name="kernel"/>'s micro-kernel: not the machine's
    /// own choice only when a test checks another kernel against a naive product.
    /// </summary>
    /// <param name="kernel">The micro-kernel.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Depth of the product.</param>
    /// <param name="a">A, with A(i, p) at a[i·rsA + p·csA].</param>
    /// <param name="rsA">A's row stride.</param>
    /// <param name="csA">A's column stride.</param>
    /// <param name="b">B, with B(p, j) at b[p·rsB + j·csB]; unread when <paramref name="packedB"/> is given.</param>
    /// <param name="rsB">B's row stride.</param>
    /// <param name="csB">B's column stride.</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">C's row stride.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <param name="epilogue">Bias and activation applied to each finished tile.</param>
    /// <param name="packedB">
    /// All of B already packed by <see cref="PackWholeB"/> for this kernel, n and k (used as one
    /// block of columns, however wide), for a caller that multiplies many row blocks by the same B;
    /// null to pack here.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Serial(GemmKernel kernel, int m, int n, int k,
        float* a, int rsA, int csA, float* b, int rsB, int csB,
        float* c, int ldc, bool accumulate, Epilogue epilogue, float* packedB = null)
    {
        int mr = Rows(kernel), nr = Columns(kernel);
        int mcMax = Math.Min(MC, RoundUp(m, mr));
        int kcMax = PanelDepth(kernel, k);
        var packA = t_packA is { } pa && pa.Length >= mcMax * kcMax ? pa : (t_packA = new float[RoundUp(MC, mr) * Math.Max(KC, kcMax)]);
        int needB = RoundUp(Math.Min(NC, n), nr) * kcMax;
        var packB = t_packB is { } pb && pb.Length >= needB ? pb : (t_packB = new float[Math.Max(needB, nr * kcMax * 4)]);

        // Row-major A is read in place: its MC×KC block stays in L2 either way, and the packing
        // copy (a strided gather) measured slower than the broadcasts it saves, at every size.
        bool unpackedA = csA == 1 && kernel == GemmKernel.Vector512;
        // With few rows (a batch of 32), each B panel would serve only two or three row tiles, so
        // copying B costs about as much as using it: read row-major B in place instead.
        bool inPlaceB = unpackedA && csB == 1 && m <= SmallM && packedB == null;
        // A B packed whole by the caller is one block of columns, however wide: its panels are
        // laid out for all n columns, so cutting it into NC-wide blocks would misaddress them.
        int ncBlock = packedB != null ? n : NC;
        fixed (float* pA = packA, pB = packB)
        {
            for (int jc = 0; jc < n; jc += ncBlock)
            {
                int nc = Math.Min(ncBlock, n - jc);
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    // The first K-panel writes C (or adds to it when accumulating); later ones add.
                    bool add = accumulate || pc > 0;
                    var ep = pc + kc == k ? epilogue.Shift(jc) : default;
                    float* bBlock = b + (long)pc * rsB + (long)jc * csB;
                    float* panel = packedB != null ? packedB + (long)pc * RoundUp(n, nr) : pB;
                    if (!inPlaceB && packedB == null) PackB(nr, kc, nc, bBlock, rsB, csB, pB);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mcb = Math.Min(MC, m - ic);
                        float* aBlock = a + (long)ic * rsA + (long)pc * csA;
                        if (unpackedA)
                        {
                            MacroKernelUnpackedA(mcb, nc, kc, aBlock, rsA, pA, inPlaceB ? bBlock : panel, inPlaceB ? rsB : 0, pB, c + (long)ic * ldc + jc, ldc, add, ep);
                        }
                        else
                        {
                            PackA(mr, mcb, kc, aBlock, rsA, csA, pA);
                            MacroKernel(kernel, mcb, nc, kc, pA, panel, c + (long)ic * ldc + jc, ldc, add, ep);
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>The deepest K panel of <paramref name="kernel"/> on this core.</summary>
    private static int DepthLimit(GemmKernel kernel) => DepthLimit(Columns(kernel), CacheSizes.L1Data);

    /// <summary>
    /// The deepest K panel for micro-tiles <paramref name="nr"/> columns wide: the KC×NR panel of B
    /// that every micro-tile of a block re-reads fills L1d at most.
    /// </summary>
    /// <remarks>
    /// On the AVX-512 machine (48 KiB L1d) that is the former constant 384; a panel of half of L1
    /// (KC = 192) measured slower there (2048²: best 33 against 39 GFLOPS over three alternated
    /// runs), so the rule is the whole of L1, which gives a Zen 4 core (32 KiB) panels of 256. The
    /// depth fixes the order of the sums, so it depends on the cache and the kernel, never on the
    /// thread count.
    /// </remarks>
    private static int DepthLimit(int nr, int l1Data) => Math.Clamp(l1Data / (nr * sizeof(float)) & ~7, 128, 384);

    // Bounds of the column block: narrower than 512 columns, packing B would be repeated for little
    // work; wider than 4096 gains nothing measurable (B's packing is already shared by every row
    // block) and only grows the per-thread packing buffer.
    private const int MinColumns = 512, MaxColumns = 4096;

    /// <summary>
    /// The Goto/BLIS block sizes for an <paramref name="mr"/> × <paramref name="nr"/> micro-kernel on
    /// a core with these caches (bytes; <paramref name="l3PerCore"/> is this core's share of the last
    /// level): KC, the deepest K panel; MC, rows of A per block; NC, columns of B per packed block.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>KC: the KC×NR panel of B fills L1d (<see cref="DepthLimit(int, int)"/>).</item>
    /// <item>MC: the MC×KC block of A takes 3/16 of L2, in whole micro-tiles. BLIS's model would
    /// allow it about half, but the fraction is fitted to the AVX-512 machine (2 MiB L2), where
    /// larger blocks measured no faster: two-thread GEMM at 256/512/1024/2048, best of three
    /// alternated runs on a busy machine, gave 79/137/150/140 GFLOPS at MC = 252 (3/16 of L2),
    /// 80/130/137/136 at 504 (3/8) and 79/130/138/132 at 672 (half); 132 and 192 rows were within
    /// noise of 252. A likely reason is that A is read there in place, its rows lda apart, so a
    /// power-of-two lda crowds a tall block into few L2 sets. A Zen 4 core (1 MiB L2, KC 256) gets
    /// 192 rows, an ARM core with 1 MiB L2 and the 6×8 kernel (KC 384) 126.</item>
    /// <item>NC: the KC×NC block of packed B takes half of this core's share of L3, within
    /// 512…4096 columns: a Zen 4 core (32 MiB over 8 cores) gets 2048, this machine's large L3 the
    /// cap of 4096.</item>
    /// </list>
    /// MC and NC only choose which elements of C are computed together, never the order of any sum.
    /// </remarks>
    internal static (int Kc, int Mc, int Nc) Blocks(int mr, int nr, int l1Data, int l2, long l3PerCore)
    {
        int kc = DepthLimit(nr, l1Data);
        int mc = Math.Max(mr, (int)((long)l2 * 3 / 16 / (kc * sizeof(float))) / mr * mr);
        long columns = l3PerCore / 2 / (kc * sizeof(float));
        int nc = (int)Math.Clamp(columns, MinColumns, MaxColumns) / nr * nr;
        return (kc, mc, nc);
    }

    /// <summary>Depth of each K panel: K split into equal panels no deeper than the kernel's limit, so no panel is a thin remainder.</summary>
    private static int PanelDepth(GemmKernel kernel, int k)
    {
        int limit = kernel == Kernel ? KC : DepthLimit(kernel);
        int kPanels = (k + limit - 1) / limit;
        return ((k + kPanels - 1) / kPanels + 7) & ~7;
    }

    /// <summary>Floats that <see cref="PackWholeB"/> writes for an n-column, k-deep B.</summary>
    internal static long PackedBLength(GemmKernel kernel, int n, int k) => (long)RoundUp(n, Columns(kernel)) * k;

    /// <summary>Whether <see cref="Serial"/> takes a B of <paramref name="n"/> columns packed whole.</summary>
    internal static bool CanPackWholeB(int n) => n <= NC;

    /// <summary>
    /// Packs all of a k×n B, K panel after K panel, in the layout <see cref="Serial"/> reads as its
    /// packedB: a caller that multiplies many row blocks by one B (a convolution's kernel) packs it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackWholeB(GemmKernel kernel, int n, int k, float* b, int rsB, int csB, float* dst)
    {
        int nr = Columns(kernel), kcMax = PanelDepth(kernel, k);
        for (int pc = 0; pc < k; pc += kcMax)
            PackB(nr, Math.Min(kcMax, k - pc), n, b + (long)pc * rsB, rsB, csB, dst + (long)pc * RoundUp(n, nr));
    }

    /// <summary>Packs an mc×kc block of A into MR-row strips: strip[p·MR + r] = A(r, p), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(int mr, int mc, int kc, float* a, int rsA, int csA, float* dst)
    {
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            float* src = a + (long)i0 * rsA;
            if (csA == 1 && rows == mr)
            {
                // Row-major A: read MR rows in step, write column-interleaved.
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + p * mr;
                    for (int r = 0; r < mr; r++) d[r] = src[(long)r * rsA + p];
                }
            }
            else if (rsA == 1 && rows == mr)
            {
                // Column-major A (a transposed operand): each strip column is contiguous. The copy's
                // size is a constant for the JIT to unroll: a variable one calls memmove for every
                // 48 bytes, which cost a weight gradient (Xᵀ·dY over 64 columns) a sixth of its time.
                if (mr == 12) for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * 12, src + (long)p * csA, 12 * sizeof(float));
                else if (mr == 6) for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * 6, src + (long)p * csA, 6 * sizeof(float));
                else for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * mr, src + (long)p * csA, (uint)(mr * sizeof(float)));
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + p * mr;
                    for (int r = 0; r < rows; r++) d[r] = src[(long)r * rsA + (long)p * csA];
                    for (int r = rows; r < mr; r++) d[r] = 0f;
                }
            }
            dst += mr * kc;
        }
    }

    /// <summary>Packs a kc×nc block of B into NR-column strips: strip[p·NR + j] = B(p, j), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(int nr, int kc, int nc, float* b, int rsB, int csB, float* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            float* src = b + (long)j0 * csB;
            if (csB == 1 && cols == nr)
            {
                if (nr == 32) for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * 32, src + (long)p * rsB, 32 * sizeof(float));
                else if (nr == 16) for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * 16, src + (long)p * rsB, 16 * sizeof(float));
                // The 128-bit kernel's 8 columns: a constant size here too, or each 32-byte row is a memmove call.
                else if (nr == 8) for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * 8, src + (long)p * rsB, 8 * sizeof(float));
                else for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * nr, src + (long)p * rsB, (uint)(nr * sizeof(float)));
            }
            else if (rsB == 1 && cols == nr)
            {
                // Column-major B (a transposed operand, as Wᵀ in an input gradient): 16 steps at a
                // time, read each column's 16 floats (one cache line) and write them across the
                // 16 rows of the strip, so that every line read or written is used whole while in L1.
                int p0 = 0;
                for (; p0 + 16 <= kc; p0 += 16)
                    for (int j = 0; j < nr; j++)
                    {
                        float* s = src + (long)j * csB + p0, d = dst + p0 * nr + j;
                        for (int p = 0; p < 16; p++) d[p * nr] = s[p];
                    }
                for (int p = p0; p < kc; p++)
                {
                    float* d = dst + p * nr;
                    for (int j = 0; j < nr; j++) d[j] = src[(long)j * csB + p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + p * nr;
                    float* s = src + (long)p * rsB;
                    for (int j = 0; j < cols; j++) d[j] = s[(long)j * csB];
                    for (int j = cols; j < nr; j++) d[j] = 0f;
                }
            }
            dst += nr * kc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(GemmKernel kernel, int mc, int nc, int kc, float* pA, float* pB, float* c, int ldc, bool add, Epilogue ep)
    {
        int mr = Rows(kernel), nr = Columns(kernel);
        float* tile = stackalloc float[32 * 16];
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            float* bPanel = pB + (long)(j0 / nr) * nr * kc;
            for (int i0 = 0; i0 < mc; i0 += mr)
            {
                int rows = Math.Min(mr, mc - i0);
                float* aPanel = pA + (long)(i0 / mr) * mr * kc;
                float* cTile = c + (long)i0 * ldc + j0;
                if (rows == mr && cols == nr)
                {
                    MicroKernel(kernel, kc, aPanel, bPanel, cTile, ldc, add);
                    if (ep.IsActive) for (int r = 0; r < rows; r++) ep.Apply(cTile + (long)r * ldc, j0, cols);
                }
                else
                {
                    // Edge tile: compute a full tile into scratch, then copy the valid part.
                    MicroKernel(kernel, kc, aPanel, bPanel, tile, nr, false);
                    for (int r = 0; r < rows; r++)
                    {
                        float* dst = cTile + (long)r * ldc; float* src = tile + r * nr;
                        if (add) for (int j = 0; j < cols; j++) dst[j] += src[j];
                        else for (int j = 0; j < cols; j++) dst[j] = src[j];
                        ep.Apply(dst, j0, cols);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One mc × nc block of C from an mc × kc block of A read in place (row stride lda), for row-major
    /// A whose packing would cost more than it saves; only a partial bottom strip is packed.
    /// </summary>
    /// <param name="mc">Rows of the block.</param>
    /// <param name="nc">Columns of the block.</param>
    /// <param name="kc">Depth of the block.</param>
    /// <param name="a">A's block, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">A's row stride.</param>
    /// <param name="scratchA">Room to pack the partial bottom strip of A (zero-padded).</param>
    /// <param name="b">Packed B panels (bStride 0), or row-major B read in place with row stride bStride.</param>
    /// <param name="bStride">B's row stride when read in place; 0 when <paramref name="b"/> is packed.</param>
    /// <param name="scratchB">Room to pack a partial column panel of B read in place.</param>
    /// <param name="c">C's block, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">C's row stride.</param>
    /// <param name="add">Add to C (a later K block) instead of overwriting it.</param>
    /// <param name="ep">Bias and activation applied to finished tiles (inactive unless this is the last K block).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernelUnpackedA(int mc, int nc, int kc, float* a, int lda, float* scratchA, float* b, int bStride, float* scratchB, float* c, int ldc, bool add, Epilogue ep)
    {
        int mr = Rows(GemmKernel.Vector512), nr = Columns(GemmKernel.Vector512);
        int fullRows = mc / mr * mr;
        float* tile = stackalloc float[32 * 16];
        // The partial strip at the bottom is packed (zero-padded) so no row past the end is read.
        if (fullRows < mc) PackA(mr, mc - fullRows, kc, a + (long)fullRows * lda, lda, 1, scratchA);
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            float* bPanel; nint step;
            if (bStride == 0) { bPanel = b + (long)(j0 / nr) * nr * kc; step = nr; }
            else if (cols == nr) { bPanel = b + j0; step = bStride; }
            else { PackB(nr, kc, cols, b + j0, bStride, 1, scratchB); bPanel = scratchB; step = nr; }
            for (int i0 = 0; i0 < mc; i0 += mr)
            {
                int rows = Math.Min(mr, mc - i0);
                float* cTile = c + (long)i0 * ldc + j0;
                // Full rows use the 12-row kernel; a remainder of 8 or 4 rows (a batch of 32 or 16
                // leaves one) has its own kernel; other remainders go through the packed scratch.
                int kernelRows = rows == mr ? mr : rows == 8 || rows == 4 ? rows : 0;
                float* aRows = a + (long)i0 * lda;
                if (kernelRows > 0 && cols == nr)
                {
                    KernelRowsStrided(kernelRows, kc, aRows, lda, bPanel, step, cTile, ldc, add);
                    if (ep.IsActive) for (int r = 0; r < rows; r++) ep.Apply(cTile + (long)r * ldc, j0, cols);
                    continue;
                }
                if (kernelRows > 0) KernelRowsStrided(kernelRows, kc, aRows, lda, bPanel, step, tile, nr, false);
                else if (step == nr) MicroKernel(GemmKernel.Vector512, kc, scratchA, bPanel, tile, nr, false);
                else
                {
                    PackB(nr, kc, cols, bPanel, (int)step, 1, scratchB);
                    MicroKernel(GemmKernel.Vector512, kc, scratchA, scratchB, tile, nr, false);
                }
                for (int r = 0; r < rows; r++)
                {
                    float* dst = cTile + (long)r * ldc; float* src = tile + r * nr;
                    if (add) for (int j = 0; j < cols; j++) dst[j] += src[j];
                    else for (int j = 0; j < cols; j++) dst[j] = src[j];
                    ep.Apply(dst, j0, cols);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelRowsStrided(int rows, int kc, float* a, int lda, float* b, nint bStep, float* c, int ldc, bool add)
    {
        if (rows == 12) Kernel12x32Strided(kc, a, lda, b, bStep, c, ldc, add);
        else if (rows == 8) Kernel8x32Strided(kc, a, lda, b, bStep, c, ldc, add);
        else Kernel4x32Strided(kc, a, lda, b, bStep, c, ldc, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32Strided(int kc, float* a, int lda, float* b, nint bStep, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        float* r0 = a, r4 = a + 4L * lda;
        nint l1 = lda, l2 = 2 * (nint)lda, l3 = 3 * (nint)lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(r0[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(r0[l1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(r0[l2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(r0[l3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(r4[0]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(r4[l1]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(r4[l2]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(r4[l3]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            r0++; r4++; b += bStep;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add); c += ldc;
        Store2(c, c60, c61, add); c += ldc; Store2(c, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x32Strided(int kc, float* a, int lda, float* b, nint bStep, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        float* r0 = a;
        nint l1 = lda, l2 = 2 * (nint)lda, l3 = 3 * (nint)lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(r0[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(r0[l1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(r0[l2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(r0[l3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            r0++; b += bStep;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add);
    }

    /// <summary>The 12×32 kernel reading A in place: row r, step p at a[r·lda + p].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32Strided(int kc, float* a, int lda, float* b, nint bStep, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default,
            c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        // Three row bases and three row offsets address all twelve rows with [base + offset·4].
        float* r0 = a, r4 = a + 4L * lda, r8 = a + 8L * lda;
        nint l1 = lda, l2 = 2 * (nint)lda, l3 = 3 * (nint)lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(r0[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(r0[l1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(r0[l2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(r0[l3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(r4[0]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(r4[l1]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(r4[l2]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(r4[l3]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(r8[0]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(r8[l1]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(r8[l2]); ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0); ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(r8[l3]); cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0); cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
            r0++; r4++; r8++; b += bStep;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add); c += ldc;
        Store2(c, c60, c61, add); c += ldc; Store2(c, c70, c71, add); c += ldc;
        Store2(c, c80, c81, add); c += ldc; Store2(c, c90, c91, add); c += ldc;
        Store2(c, ca0, ca1, add); c += ldc; Store2(c, cb0, cb1, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(GemmKernel kernel, int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        switch (kernel)
        {
            case GemmKernel.Vector512: Kernel12x32(kc, a, b, c, ldc, add); break;
            case GemmKernel.Vector256: Kernel6x16(kc, a, b, c, ldc, add); break;
            case GemmKernel.Vector128: Kernel128(kc, a, b, c, ldc, add); break;
            default: KernelScalar(Rows(kernel), Columns(kernel), kc, a, b, c, ldc, add); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default,
            c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]); ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0); ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]); cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0); cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
            a += 12; b += 32;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add); c += ldc;
        Store2(c, c60, c61, add); c += ldc; Store2(c, c70, c71, add); c += ldc;
        Store2(c, c80, c81, add); c += ldc; Store2(c, c90, c91, add); c += ldc;
        Store2(c, ca0, ca1, add); c += ldc; Store2(c, cb0, cb1, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
    {
        if (add) { v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16); }
        v0.Store(c); v1.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b); var b1 = Vector256.Load(b + 8);
            Vector256<float> x;
            x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += 6; b += 16;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
    {
        if (add) { v0 += Vector256.Load(c); v1 += Vector256.Load(c + 8); }
        v0.Store(c); v1.Store(c + 8);
    }

    /// <summary>Portable fallback for machines without SIMD: same packed layout, plain loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(int mr, int nr, int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++)
            {
                float s = 0f;
                for (int p = 0; p < kc; p++) s += a[p * mr + r] * b[p * nr + j];
                float* dst = c + (long)r * ldc + j;
                *dst = add ? *dst + s : s;
            }
    }
}
