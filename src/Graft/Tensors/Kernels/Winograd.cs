using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Graft.Tensors.Backends;

namespace Graft.Tensors.Kernels;

/// <summary>
/// 3×3, stride-1 convolution over NHWC data by Winograd's minimal filtering (Lavin and Gray, 2016):
/// the output is cut into m×m tiles, each read from an α×α input tile (α = m + 2), and in the
/// transformed domain the convolution is α² independent products (tiles × Cin)·(Cin × Cout), one
/// per tile position ξ: F(4×4, 3×3) does 4× fewer multiply-adds than the direct convolution, and
/// its products are plain GEMMs.
/// </summary>
/// <remarks>
/// <para>
/// Steps: the kernel is transformed once (U_ξ = G g Gᵀ, packed for the GEMM) and kept against the
/// kernel's array, compared bit for bit at each call, so inference and frozen layers transform it
/// once. Tiles then go a block at a time, each block's transforms sized to stay in L2: the input
/// tiles (V_ξ = Bᵀ d B, α² rows of the block's Cin-vectors), α² GEMMs M_ξ = V_ξ · U_ξ with the
/// packed kernel, and the inverse transform Y = Aᵀ M A straight into the output, bias and
/// activation applied while each tile's pixels are in L1.
/// </para>
/// <para>
/// Results are bitwise the same for any thread count: the blocks depend on the shape alone, and
/// threads take whole blocks (or, with fewer blocks than threads, whole tiles and whole products
/// within a block), never part of a sum.
/// </para>
/// </remarks>
internal static unsafe class Winograd
{
    /// <summary>The tile size the backend uses: 4 (F(4×4, 3×3)); see <see cref="WinogradF4"/> for its accuracy.</summary>
    public const int DefaultTile = 4;

    // The widest lane struct is 16 floats; a line (α) plus an α×α tile.
    private const int ScratchLanes = 6 + 36;

    /// <summary>Transformed kernels by the kernel array they came from, dropped with it.</summary>
    private static readonly ConditionalWeakTable<float[], TransformedKernel> s_kernels = new();

    /// <summary>
    /// A kernel's transform for one tile size, with the kernel values it was made from. A kernel whose
    /// values changed since the previous call (a layer being trained) keeps only those values, not the
    /// transform (<see cref="Packed"/> null): keeping four times its size for a transform the next step
    /// discards would only add to training's peak memory. Once two calls see the same values again
    /// (inference after training), the transform is kept.
    /// </summary>
    private sealed class TransformedKernel(int tile, int c, int cout, float[] source, float[]? packed)
    {
        public readonly int Tile = tile, C = c, Cout = cout;
        public readonly float[] Source = source;
        public float[]? Packed = packed;
    }

    /// <summary>Whether <paramref name="g"/> is a convolution this kernel computes: 3×3, stride 1, no dilation, no groups.</summary>
    public static bool Supports(in Conv2DGeometry g, int groups) =>
        groups == 1 && g.KH == 3 && g.KW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1;

    /// <summary>
    /// Whether the backend should take this path for <paramref name="g"/>. Measured against im2col + GEMM
    /// on one thread of the AVX-512 machine (CPU time under load): F(4×4, 3×3) ran 1.4–2× faster on every
    /// ResNet 3×3 layer with 16 tiles or more (7×7×512 at batch 4 and up, 14×14×256 from batch 1), and
    /// on 8 to 32 channels too; with 4 tiles (7×7×512 at batch 1) each product has 4 rows, the
    /// transformed kernel (36·C·Cout floats) is streamed for almost no work, and it ran 1.5× slower.
    /// </summary>
    public static bool Pays(in Conv2DGeometry g, int groups, int cout) =>
        Supports(g, groups) && g.C >= MinChannels && cout >= MinChannels
        && (long)g.N * ((g.OH + DefaultTile - 1) / DefaultTile) * ((g.OW + DefaultTile - 1) / DefaultTile) >= MinTiles;

    private const int MinChannels = 16, MinTiles = 16;

    /// <summary>
    /// y[n, oh, ow, :] = epilogue(Σ x[n, oh − PadTop + kh, ow − PadLeft + kw, c] · k[kh, kw, c, :]) for a
    /// geometry <see cref="Supports"/> accepts, any padding, size and channel counts.
    /// </summary>
    /// <param name="x">Input (N, H, W, C).</param>
    /// <param name="kernel">The kernel's array (3, 3, C, cout), the key its transform is kept under.</param>
    /// <param name="y">Output (N, OH, OW, cout).</param>
    /// <param name="g">The geometry.</param>
    /// <param name="cout">Output channels.</param>
    /// <param name="ep">Bias and activation.</param>
    /// <param name="keepTransform">
    /// Keep the transformed kernel for later calls with the same values: false for a kernel array
    /// that is a temporary (a pooled buffer, a flipped kernel in a backward pass).
    /// </param>
    /// <param name="tile">Output tile side: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3).</param>
    /// <param name="blockTiles">Tiles per block; 0 for the size that keeps a block in L2.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* x, float[] kernel, float* y, in Conv2DGeometry g, int cout, Epilogue ep,
        bool keepTransform, int tile = DefaultTile, int blockTiles = 0)
    {
        if (!Supports(g, 1) || kernel.Length != 9 * g.C * cout) throw new ArgumentException($"Winograd: expected a 3×3 stride-1 kernel (3, 3, {g.C}, {cout}), got geometry {g}.");
        if (tile == 2) Run<WinogradF2>(x, kernel, y, g, cout, ep, keepTransform, blockTiles);
        else if (tile == 4) Run<WinogradF4>(x, kernel, y, g, cout, ep, keepTransform, blockTiles);
        else throw new ArgumentOutOfRangeException(nameof(tile), $"Winograd: expected tile 2 or 4, got {tile}.");
    }

    /// <summary>
    /// The input gradient of a convolution <see cref="Supports"/> accepts: gx = the 3×3 stride-1
    /// convolution of gy with the kernel flipped in space and its channel axes swapped, padded by
    /// 2 − pad so that every tap that read x[ih, iw] lands on it. Worth calling where
    /// <see cref="BackwardInputPays"/> holds.
    /// </summary>
    /// <param name="gy">Output gradient (N, OH, OW, cout).</param>
    /// <param name="k">The forward kernel (3, 3, C, cout).</param>
    /// <param name="gx">Input gradient (N, H, W, C), overwritten.</param>
    /// <param name="g">The forward geometry.</param>
    /// <param name="cout">Output channels of the forward convolution.</param>
    /// <param name="tile">Output tile side, as in <see cref="Forward"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(float* gy, float* k, float* gx, in Conv2DGeometry g, int cout, int tile = DefaultTile)
    {
        if (!Supports(g, 1)) throw new ArgumentException($"Winograd: expected a 3×3 stride-1 geometry, got {g}.");
        int c = g.C;
        long plane = (long)c * cout;
        var flipped = BufferPool.Current.Rent((int)(9 * plane));
        fixed (float* pf = flipped)
            KernelFlip.FlipTaps(k, 9, c, cout, pf);
        var back = BackwardGeometry(g, cout);
        if (tile == 2) Run<WinogradF2>(gy, flipped, gx, back, c, default, false, 0);
        else Run<WinogradF4>(gy, flipped, gx, back, c, default, false, 0);
        BufferPool.Current.Return(flipped);
    }

    /// <summary>
    /// Whether <see cref="BackwardInput"/> beats the flipped-kernel im2col convolution for
    /// <paramref name="g"/>. It transforms the kernel at every call (a training step changes it), which
    /// costs about as much as the products of 100 tiles once the transformed kernel outgrows L2: measured
    /// on one thread under load, 1.2–2× faster on ResNet's layers at batch 16 except 7×7×512 (64 tiles,
    /// 7% slower; 1.5× faster at batch 32), and 1.2–1.7× at batch 1 from 28×28×128 up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool BackwardInputPays(in Conv2DGeometry g, int groups, int cout) =>
        Supports(g, groups) && PaysTransformedEachCall(BackwardGeometry(g, cout), g.C);

    /// <summary>
    /// Whether the forward of a kernel being trained should take this path. Its values change at
    /// every step, so its transform is made at every call, as for <see cref="BackwardInput"/>, and the
    /// same rule holds: enough tiles to repay the transform, or a kernel small enough to stay in L2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TrainingPays(in Conv2DGeometry g, int groups, int cout) =>
        Supports(g, groups) && PaysTransformedEachCall(g, cout);

    private static bool PaysTransformedEachCall(in Conv2DGeometry g, int cout)
    {
        long tiles = (long)g.N * ((g.OH + DefaultTile - 1) / DefaultTile) * ((g.OW + DefaultTile - 1) / DefaultTile);
        return Pays(g, 1, cout) && (tiles >= 128 || (long)g.C * cout <= 128 * 128);
    }

    /// <summary>Whether anything (values or a transform) is kept for this kernel array: for tests.</summary>
    internal static bool Remembers(float[] kernel) => s_kernels.TryGetValue(kernel, out _);

    /// <summary>The geometry of the convolution <see cref="BackwardInput"/> computes: over gy (N, OH, OW, cout) into (N, H, W, C).</summary>
    public static Conv2DGeometry BackwardGeometry(in Conv2DGeometry g, int cout) =>
        new(g.N, g.OH, g.OW, cout, 3, 3, 1, 1, 1, 1, 2 - g.PadTop, 2 - g.PadLeft, g.H, g.W);

    /// <summary>
    /// Tiles per block (the rows of each product), from the shape alone. Small kernels: the block's
    /// transformed inputs and products (α²·tiles·(C + Cout) floats) in half of L2, at least 4 GEMM row
    /// tiles. Kernels of 256×256 and up: 16 row tiles, whatever L2 holds, since each product then
    /// streams a packed kernel slice too large for L2 and needs the rows to reuse it (measured at
    /// 7×7×512, batch 16: 2.3× faster than with 24 rows, no gain beyond 96).
    /// </summary>
    internal static int BlockTiles(int alpha2, int c, int cout)
    {
        int mr = Gemm.MR;
        if ((long)c * cout >= 256 * 256) return 16 * mr;
        long fit = CacheSizes.L2 / 2 / ((long)alpha2 * (c + cout) * sizeof(float));
        return (int)Math.Clamp(fit / mr * mr, 4 * mr, 16 * mr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TT>(float* x, float[] kernel, float* y, Conv2DGeometry g, int cout, Epilogue ep, bool keep, int blockTiles)
        where TT : IWinogradTile
    {
        int m = TT.M, alpha = m + 2, alpha2 = alpha * alpha, c = g.C;
        int tilesW = (g.OW + m - 1) / m, tilesHW = (g.OH + m - 1) / m * tilesW;
        long tiles = (long)g.N * tilesHW;
        // Equal blocks: a last block of a few tiles would stream the whole transformed kernel for them.
        int most = blockTiles > 0 ? blockTiles : BlockTiles(alpha2, c, cout);
        int blocks = (int)((tiles + most - 1) / most), block = (int)((tiles + blocks - 1) / blocks);
        long packedLength = Gemm.PackedBLength(Gemm.Kernel, cout, c);
        // A kept transform, or (not to be kept, or a kernel that changes between calls) one for this call alone.
        float[]? rented = null;
        var packed = keep ? Transformed<TT>(kernel, c, cout) : null;
        if (packed is null)
        {
            rented = BufferPool.Current.Rent((int)(alpha2 * packedLength));
            fixed (float* pk = kernel, pu = rented) Transform<TT>(pk, c, cout, pu);
            packed = rented;
        }

        // Few blocks (deep layers, small batches): one block at a time, its tiles and products shared out.
        int threads = WorkerPool.Threads;
        bool inner = blocks < threads;
        int parts = inner ? 1 : Math.Min(blocks, threads);
        long vLength = (long)alpha2 * block * c, mLength = (long)alpha2 * block * cout;
        var work = BufferPool.Current.Rent((int)(parts * (vLength + mLength)));
        fixed (float* pu = packed, pw = work)
        {
            float* ppu = pu, ppw = pw;
            var geo = g;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                float* v = ppw + part * (vLength + mLength), prod = v + vLength;
                for (int b = blocks * part / parts, end = blocks * (part + 1) / parts; b < end; b++)
                {
                    long t0 = (long)b * block;
                    int count = (int)Math.Min(block, tiles - t0);
                    Block<TT>(x, ppu, packedLength, y, geo, cout, ep, t0, count, tilesW, tilesHW, v, prod, block, inner ? threads : 1);
                }
            });
        }
        BufferPool.Current.Return(work);
        if (rented is not null) BufferPool.Current.Return(rented);
    }

    /// <summary>One block of tiles: input transforms, α² products, output transforms with the epilogue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TT>(float* x, float* packed, long packedLength, float* y, Conv2DGeometry g, int cout, Epilogue ep,
        long t0, int count, int tilesW, int tilesHW, float* v, float* prod, int block, int threads) where TT : IWinogradTile
    {
        int alpha = TT.M + 2, alpha2 = alpha * alpha, c = g.C;
        long vStride = (long)block * c, mStride = (long)block * cout;
        int tileParts = threads > 1 && count > 1 ? Math.Min(count, threads) : 1;
        WorkerPool.Run(tileParts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            float* scratch = stackalloc float[ScratchLanes * 16];
            for (int t = count * p / tileParts, end = count * (p + 1) / tileParts; t < end; t++)
                InputTile<TT>(x, g, t0 + t, tilesW, tilesHW, v + (long)t * c, vStride, scratch);
        });
        var kernel = Gemm.Kernel;
        int productParts = threads > 1 ? Math.Min(alpha2, threads) : 1;
        WorkerPool.Run(productParts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            for (int xi = alpha2 * p / productParts, end = alpha2 * (p + 1) / productParts; xi < end; xi++)
                Gemm.Serial(kernel, count, cout, c, v + xi * vStride, c, 1, null, cout, 1, prod + xi * mStride, cout, false, default,
                    packed + xi * packedLength);
        });
        WorkerPool.Run(tileParts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            float* scratch = stackalloc float[ScratchLanes * 16];
            for (int t = count * p / tileParts, end = count * (p + 1) / tileParts; t < end; t++)
                OutputTile<TT>(prod + (long)t * cout, mStride, y, g, cout, ep, t0 + t, tilesW, tilesHW, scratch);
        });
    }

    /// <summary>V[ξ, t, :] for tile t: its α×α input window (zero outside the image), transformed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputTile<TT>(float* x, in Conv2DGeometry g, long t, int tilesW, int tilesHW, float* v, long vStride, float* scratch)
        where TT : IWinogradTile
    {
        int m = TT.M, alpha = m + 2;
        long n = t / tilesHW;
        int rem = (int)(t - n * tilesHW), ih0 = rem / tilesW * m - g.PadTop, iw0 = rem % tilesW * m - g.PadLeft;
        int rows = 0, cols = 0;
        for (int i = 0; i < alpha; i++)
        {
            if ((uint)(ih0 + i) < (uint)g.H) rows |= 1 << i;
            if ((uint)(iw0 + i) < (uint)g.W) cols |= 1 << i;
        }
        float* src = x + ((n * g.H + ih0) * g.W + iw0) * g.C;
        long rowStride = (long)g.W * g.C;
        int c = 0, ch = g.C;
        if (Vector512.IsHardwareAccelerated)
            for (; c <= ch - 16; c += 16) InputChunk<TT, Lanes16>(src + c, rowStride, ch, rows, cols, v + c, vStride, (Lanes16*)scratch);
        if (Vector256.IsHardwareAccelerated)
            for (; c <= ch - 8; c += 8) InputChunk<TT, Lanes8>(src + c, rowStride, ch, rows, cols, v + c, vStride, (Lanes8*)scratch);
        if (Vector128.IsHardwareAccelerated)
            for (; c <= ch - 4; c += 4) InputChunk<TT, Lanes4>(src + c, rowStride, ch, rows, cols, v + c, vStride, (Lanes4*)scratch);
        for (; c < ch; c++) InputChunk<TT, Lanes1>(src + c, rowStride, ch, rows, cols, v + c, vStride, (Lanes1*)scratch);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputChunk<TT, TL>(float* src, long rowStride, int pixelStride, int rows, int cols, float* v, long vStride, TL* s)
        where TT : IWinogradTile where TL : unmanaged, ILanes<TL>
    {
        int alpha = TT.M + 2;
        TL* line = s, tmp = s + alpha;
        // Rows first (tmp = d B), then columns (V = Bᵀ tmp).
        for (int i = 0; i < alpha; i++, src += rowStride)
        {
            if ((rows >> i & 1) == 0)
            {
                for (int k = 0; k < alpha; k++) tmp[i * alpha + k] = TL.Zero;
                continue;
            }
            for (int j = 0; j < alpha; j++) line[j] = (cols >> j & 1) != 0 ? TL.Load(src + (long)j * pixelStride) : TL.Zero;
            TT.InputLine(line, 1, tmp + i * alpha, 1);
        }
        for (int k = 0; k < alpha; k++)
        {
            TT.InputLine(tmp + k, alpha, line, 1);
            for (int i = 0; i < alpha; i++) TL.Store(line[i], v + (i * alpha + k) * vStride);
        }
    }

    /// <summary>Output tile t from its products M[ξ, t, :]: the inside part of Aᵀ M A, then the epilogue on each pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputTile<TT>(float* prod, long mStride, float* y, in Conv2DGeometry g, int cout, Epilogue ep,
        long t, int tilesW, int tilesHW, float* scratch) where TT : IWinogradTile
    {
        int m = TT.M;
        long n = t / tilesHW;
        int rem = (int)(t - n * tilesHW), oh0 = rem / tilesW * m, ow0 = rem % tilesW * m;
        int rows = Math.Min(m, g.OH - oh0), cols = Math.Min(m, g.OW - ow0);
        float* dst = y + ((n * g.OH + oh0) * g.OW + ow0) * cout;
        long rowStride = (long)g.OW * cout;
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; c <= cout - 16; c += 16) OutputChunk<TT, Lanes16>(prod + c, mStride, dst + c, rowStride, cout, rows, cols, (Lanes16*)scratch);
        if (Vector256.IsHardwareAccelerated)
            for (; c <= cout - 8; c += 8) OutputChunk<TT, Lanes8>(prod + c, mStride, dst + c, rowStride, cout, rows, cols, (Lanes8*)scratch);
        if (Vector128.IsHardwareAccelerated)
            for (; c <= cout - 4; c += 4) OutputChunk<TT, Lanes4>(prod + c, mStride, dst + c, rowStride, cout, rows, cols, (Lanes4*)scratch);
        for (; c < cout; c++) OutputChunk<TT, Lanes1>(prod + c, mStride, dst + c, rowStride, cout, rows, cols, (Lanes1*)scratch);
        if (!ep.IsActive) return;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) ep.Apply(dst + i * rowStride + (long)j * cout, 0, cout);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputChunk<TT, TL>(float* prod, long mStride, float* dst, long rowStride, int pixelStride, int rows, int cols, TL* s)
        where TT : IWinogradTile where TL : unmanaged, ILanes<TL>
    {
        int m = TT.M, alpha = m + 2;
        TL* line = s, tmp = s + alpha;
        // Rows first (tmp = M A), then the columns inside the image (Y = Aᵀ tmp).
        for (int i = 0; i < alpha; i++)
        {
            for (int k = 0; k < alpha; k++) line[k] = TL.Load(prod + (i * alpha + k) * mStride);
            TT.OutputLine(line, 1, tmp + i * m, 1);
        }
        for (int j = 0; j < cols; j++)
        {
            TT.OutputLine(tmp + j, m, line, 1);
            for (int i = 0; i < rows; i++) TL.Store(line[i], dst + i * rowStride + (long)j * pixelStride);
        }
    }

    /// <summary>
    /// The packed transformed kernel for these values: kept from an earlier call when its values are the
    /// same bits, else made and kept; null when the values changed since the previous call (see <see cref="TransformedKernel"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[]? Transformed<TT>(float[] kernel, int c, int cout) where TT : IWinogradTile
    {
        int alpha2 = (TT.M + 2) * (TT.M + 2);
        if (s_kernels.TryGetValue(kernel, out var kept) && kept.Tile == TT.M && kept.C == c && kept.Cout == cout)
        {
            bool same = MemoryMarshal.AsBytes(kept.Source.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(kernel.AsSpan()));
            if (same && kept.Packed is not null) return kept.Packed;
            if (!same)
            {
                // Changed since the last call: remember the new values only; the caller transforms them for this call alone.
                kernel.AsSpan().CopyTo(kept.Source);
                kept.Packed = null;
                return null;
            }
            // The same values twice in a row: keep their transform from now on.
            var stable = new float[alpha2 * Gemm.PackedBLength(Gemm.Kernel, cout, c)];
            fixed (float* pk = kept.Source, pu = stable) Transform<TT>(pk, c, cout, pu);
            kept.Packed = stable;
            return stable;
        }
        // Transform a copy: the values kept as the key are then exactly those transformed.
        var source = (float[])kernel.Clone();
        var packed = new float[alpha2 * Gemm.PackedBLength(Gemm.Kernel, cout, c)];
        fixed (float* pk = source, pu = packed) Transform<TT>(pk, c, cout, pu);
        s_kernels.AddOrUpdate(kernel, new TransformedKernel(TT.M, c, cout, source, packed));
        return packed;
    }

    /// <summary>U_ξ = (G g Gᵀ)_ξ for every (c, cout) pair, each packed as the GEMM's B (C × Cout) into <paramref name="packed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transform<TT>(float* k, int c, int cout, float* packed) where TT : IWinogradTile
    {
        int alpha2 = (TT.M + 2) * (TT.M + 2);
        long plane = (long)c * cout, packedLength = Gemm.PackedBLength(Gemm.Kernel, cout, c);
        var u = BufferPool.Current.Rent((int)(alpha2 * plane));
        int parts = plane * alpha2 > 1 << 16 ? Math.Min(c, WorkerPool.Threads) : 1;
        fixed (float* pu = u)
        {
            float* ppu = pu;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
            {
                float* scratch = stackalloc float[ScratchLanes * 16];
                for (int ci = c * p / parts, end = c * (p + 1) / parts; ci < end; ci++)
                {
                    float* src = k + (long)ci * cout, dst = ppu + (long)ci * cout;
                    int co = 0;
                    if (Vector512.IsHardwareAccelerated)
                        for (; co <= cout - 16; co += 16) KernelChunk<TT, Lanes16>(src + co, plane, dst + co, (Lanes16*)scratch);
                    if (Vector256.IsHardwareAccelerated)
                        for (; co <= cout - 8; co += 8) KernelChunk<TT, Lanes8>(src + co, plane, dst + co, (Lanes8*)scratch);
                    if (Vector128.IsHardwareAccelerated)
                        for (; co <= cout - 4; co += 4) KernelChunk<TT, Lanes4>(src + co, plane, dst + co, (Lanes4*)scratch);
                    for (; co < cout; co++) KernelChunk<TT, Lanes1>(src + co, plane, dst + co, (Lanes1*)scratch);
                }
            });
            var kernel = Gemm.Kernel;
            int packParts = Math.Min(alpha2, parts);
            WorkerPool.Run(packParts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
            {
                for (int xi = alpha2 * p / packParts, end = alpha2 * (p + 1) / packParts; xi < end; xi++)
                    Gemm.PackWholeB(kernel, cout, c, ppu + xi * plane, cout, 1, packed + xi * packedLength);
            });
        }
        BufferPool.Current.Return(u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelChunk<TT, TL>(float* k, long plane, float* u, TL* s) where TT : IWinogradTile where TL : unmanaged, ILanes<TL>
    {
        int alpha = TT.M + 2;
        TL* line = s, tmp = s + alpha;
        // Columns first (tmp = G g, α×3), then rows (U = tmp Gᵀ); the taps lie plane floats apart.
        for (int kw = 0; kw < 3; kw++)
        {
            for (int kh = 0; kh < 3; kh++) line[kh] = TL.Load(k + (kh * 3 + kw) * plane);
            TT.KernelLine(line, 1, tmp + kw, 3);
        }
        for (int i = 0; i < alpha; i++)
        {
            TT.KernelLine(tmp + i * 3, 1, line, 1);
            for (int j = 0; j < alpha; j++) TL.Store(line[j], u + (i * alpha + j) * plane);
        }
    }
}
