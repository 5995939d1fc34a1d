using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

/// <summary>
/// The two gradients of a convolution, dX and dW, built from the same blocked pieces as the
/// forward pass: patches gathered a block of rows at a time into a buffer that stays in L2 and
/// multiplied there at once, so that no patch matrix is ever written whole. A whole patch matrix of
/// ResNet18's first stage at batch 16 is 115 MB: writing it and reading it back from memory cost as
/// much as its multiply-adds, and keeping one per layer from forward for the kernel gradient held
/// about 350 MB. The kernel gradient gathers nothing where the 512-bit micro-kernels run: its
/// micro-tiles read x and dY in place (<see cref="ImplicitBackwardKernel"/>).
/// </summary>
internal sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// Rows of patches (the product's depth) per step of the kernel gradient: one K panel of the GEMM
    /// on a 32 or 48 KiB L1, deep enough that loading and storing the gradient tile once per step
    /// costs nothing next to its multiply-adds. A constant, not the thread count, so the order of
    /// the sums is the same for any number of threads.
    /// </summary>
    private const int KernelGradientDepth = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardInput(Tensor gy, Tensor kernel, int groups, in Conv2DGeometry g, Tensor gx)
    {
        int cout = kernel.Shape[^1], cg = g.C / groups, coutG = cout / groups, kg = g.KH * g.KW * cg;
        fixed (float* pgy = gy.Data, pk = kernel.Data, pgx = gx.Data)
        {
            if (IsPointwise(g, groups))
            {
                // dX = dY · Wᵀ
                Gemm.Multiply(g.Rows, g.C, cout, pgy, cout, 1, pk, 1, cout, pgx, g.C, false);
                return;
            }
            if (groups == 1 && g.StrideH == 1 && g.StrideW == 1)
            {
                if (Winograd.BackwardInputPays(g, groups, cout))
                {
                    Winograd.BackwardInput(pgy, pk, pgx, g, cout);
                    return;
                }
                FlippedForward(pgy, pk, pgx, g, cout);
                return;
            }
            // Blocks of one image scatter into that image only, so images are what threads share: with
            // a single image the chunked path below keeps both cores busy in its GEMM. As in forward,
            // blocks pay only while the packed Wᵀ stays in L2 (measured: ResNet's 256→512 layer, whose
            // Wᵀ is 4.7 MB, ran 1.4x slower blocked). The choice depends on the shape alone, and both
            // paths add the same products in the same order.
            if (groups == 1 && g.N > 1 && BlockedApplies(cout, kg))
            {
                BlockedBackwardInput(pgy, pk, pgx, g, cout);
                return;
            }
            gx.Data.AsSpan().Clear();
            int chunk = ImagesPerChunk(g, kg);
            var cols = BufferPool.Current.Rent(chunk * g.OH * g.OW * kg);
            fixed (float* pc = cols)
            {
                for (int n0 = 0; n0 < g.N; n0 += chunk)
                {
                    int nb = Math.Min(chunk, g.N - n0), rows = nb * g.OH * g.OW;
                    for (int gi = 0; gi < groups; gi++)
                    {
                        // dCols = dY_g · W_gᵀ, then scatter-add the patches back (col2im).
                        Gemm.Multiply(rows, kg, coutG, pgy + (long)n0 * g.OH * g.OW * cout + gi * coutG, cout, 1,
                            pk + gi * coutG, 1, cout, pc, kg, false);
                        Col2Im(pc, g, n0, nb, gi * cg, cg, pgx);
                    }
                }
            }
            BufferPool.Current.Return(cols);
        }
    }

    /// <summary>
    /// dX of a stride-1 convolution as a forward convolution of dY with the kernel flipped in space
    /// and its channel axes swapped, padded so that every tap that read x[ih, iw] lands on it. A
    /// forward convolution writes C channels per pixel from patches of dY gathered in L2; the scatter
    /// (dCols = dY·Wᵀ, then col2im) would write KH·KW·C per pixel and add them back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlippedForward(float* pgy, float* pk, float* pgx, in Conv2DGeometry g, int cout)
    {
        int kh = g.KH, kw = g.KW, taps = kh * kw;
        var flipped = BufferPool.Current.Rent(taps * g.C * cout);
        fixed (float* pf = flipped)
        {
            KernelFlip.FlipTaps(pk, taps, g.C, cout, pf);
            var back = new Conv2DGeometry(g.N, g.OH, g.OW, cout, kh, kw, 1, 1, g.DilationH, g.DilationW,
                (kh - 1) * g.DilationH - g.PadTop, (kw - 1) * g.DilationW - g.PadLeft, g.H, g.W);
            Forward(pgy, pf, pgx, 1, back, g.C, default);
        }
        BufferPool.Current.Return(flipped);
    }

    /// <summary>
    /// dX of a strided (or otherwise not stride-1) convolution, one block of an image's output rows at
    /// a time: dCols = dY_block · Wᵀ into an L2-sized buffer against Wᵀ packed once, then scattered
    /// back into the image (col2im) while still in cache. Each thread takes whole images, and adds
    /// each image's blocks in row order, so the sums do not depend on the thread count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockedBackwardInput(float* pgy, float* pk, float* pgx, Conv2DGeometry g, int cout)
    {
        int kg = g.KH * g.KW * g.C, perImage = g.OH * g.OW;
        // Equal blocks, so that no block is a thin remainder (a 7×7 image in blocks of 48 would leave one row).
        int blocks = (perImage + BlockRows(kg) - 1) / BlockRows(kg), block = (perImage + blocks - 1) / blocks;
        int parts = Math.Min(g.N, WorkerPool.Threads);
        var kernel = Gemm.Kernel;
        var packed = BufferPool.Current.Rent((int)Gemm.PackedBLength(kernel, kg, cout));
        var cols = BufferPool.Current.Rent(parts * block * kg);
        fixed (float* pp = packed, pc = cols)
        {
            // Wᵀ (cout × kg): Wᵀ(co, j) = k[j·cout + co].
            Gemm.PackWholeB(kernel, kg, cout, pk, 1, cout, pp);
            float* ppk = pp, ppc = pc;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                float* buffer = ppc + (long)part * block * kg;
                for (int n = g.N * part / parts, end = g.N * (part + 1) / parts; n < end; n++)
                {
                    float* image = pgx + (long)n * g.H * g.W * g.C;
                    new Span<float>(image, g.H * g.W * g.C).Clear();
                    for (int r0 = 0; r0 < perImage; r0 += block)
                    {
                        int count = Math.Min(block, perImage - r0);
                        Gemm.Serial(kernel, count, kg, cout, pgy + ((long)n * perImage + r0) * cout, cout, 1, null, 1, cout,
                            buffer, kg, false, default, ppk);
                        for (int r = 0; r < count; r++)
                            AddPatch(buffer + (long)r * kg, g, image, (r0 + r) / g.OW, (r0 + r) % g.OW);
                    }
                }
            });
        }
        BufferPool.Current.Return(cols);
        BufferPool.Current.Return(packed);
    }

    /// <summary>The adjoint of <see cref="PatchRow"/> over all channels: adds one patch back where its taps read the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPatch(float* src, in Conv2DGeometry g, float* image, int oh, int ow)
    {
        int c = g.C;
        for (int kh = 0; kh < g.KH; kh++)
        {
            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
            if ((uint)ih >= (uint)g.H) { src += g.KW * c; continue; }
            for (int kw = 0; kw < g.KW; kw++, src += c)
            {
                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                if ((uint)iw >= (uint)g.W) continue;
                float* d = image + ((long)ih * g.W + iw) * c;
                if (c < 8) for (int q = 0; q < c; q++) d[q] += src[q];
                else System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>(d, c), new ReadOnlySpan<float>(src, c), new Span<float>(d, c));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk)
    {
        int cout = gk.Shape[^1], cg = g.C / groups, coutG = cout / groups, kg = g.KH * g.KW * cg;
        fixed (float* px = x.Data, pgy = gy.Data, pgk = gk.Data)
        {
            if (IsPointwise(g, groups))
            {
                // dW = Xᵀ · dY
                Gemm.Multiply(g.C, cout, g.Rows, px, 1, g.C, pgy, cout, 1, pgk, cout, false);
                return;
            }
            if (DirectConv.Applies(g.C, cout, groups, g.KH * g.KW))
            {
                // The few columns of a direct convolution (9 for a 3×3 grayscale layer) would make
                // each GEMM block a product only a few rows tall.
                DirectConv.BackwardKernel(px, pgy, pgk, g, cout);
                return;
            }
            if (groups == 1 && ImplicitKernelGradientApplies(g))
            {
                ImplicitBackwardKernel(px, pgy, pgk, g, cout);
                return;
            }
            if (groups == 1)
            {
                BlockedBackwardKernel(px, pgy, pgk, g, cout);
                return;
            }
            int chunk = ImagesPerChunk(g, kg);
            var cols = BufferPool.Current.Rent(chunk * g.OH * g.OW * kg);
            fixed (float* pc = cols)
            {
                for (int n0 = 0; n0 < g.N; n0 += chunk)
                {
                    int nb = Math.Min(chunk, g.N - n0), rows = nb * g.OH * g.OW;
                    for (int gi = 0; gi < groups; gi++)
                    {
                        Im2Col(px, g, n0, nb, gi * cg, cg, pc);
                        // dW_g = colsᵀ · dY_g
                        Gemm.Multiply(kg, coutG, rows, pc, 1, kg, pgy + (long)n0 * g.OH * g.OW * cout + gi * coutG, cout, 1,
                            pgk + gi * coutG, cout, accumulate: n0 > 0);
                    }
                }
            }
            BufferPool.Current.Return(cols);
        }
    }

    /// <summary>
    /// Output pixels per block of <see cref="ImplicitBackwardKernel"/>'s product (whole output rows,
    /// at least one): the block's 32 columns of dY, read at every step, stay in a 32 or 48 KiB L1.
    /// A constant, so that the order of the sums does not depend on the thread count.
    /// </summary>
    private const int ImplicitDepth = 256;

    /// <summary>
    /// Whether <see cref="ImplicitBackwardKernel"/> computes dW: it needs the 512-bit micro-kernels,
    /// and either taps of at least <see cref="ImplicitMinChannels"/> channels or undilated window rows
    /// (which it reads whole when taps are narrower, as over an RGB image).
    /// </summary>
    private static bool ImplicitKernelGradientApplies(in Conv2DGeometry g) =>
        Gemm.SegmentTilesRun && (g.C >= ImplicitMinChannels || g.DilationW == 1);

    /// <summary>
    /// Fewest channels for which a micro-tile's rows are one tap's channels: fewer would leave most
    /// of the 12 rows empty (3 of them over RGB), so narrower taps are read a window row at a time.
    /// </summary>
    private const int ImplicitMinChannels = 8;

    /// <summary>
    /// dW as <see cref="ImplicitProduct"/> computes it: tap by tap when a tap has enough channels;
    /// otherwise window row by window row, whose KW·C values at an output pixel lie side by side in
    /// x, over a copy of x padded left and right with zeros so that every window row is whole (the
    /// stem of a ResNet: 21 values instead of 3 per micro-tile row, for a copy of its RGB input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ImplicitBackwardKernel(float* px, float* pgy, float* pgk, Conv2DGeometry g, int cout)
    {
        if (g.C >= ImplicitMinChannels)
        {
            ImplicitProduct(px, pgy, pgk, g, cout, g.C);
            return;
        }
        int c = g.C, wide = Math.Max(g.W + g.PadLeft, (g.OW - 1) * g.StrideW + g.KW);
        long image = (long)g.H * wide * c;
        var padded = BufferPool.Current.Rent((int)(g.N * image));
        fixed (float* pp = padded)
        {
            float* ppd = pp;
            int parts = Math.Min(g.N, WorkerPool.Threads);
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                for (int n = g.N * part / parts, last = g.N * (part + 1) / parts; n < last; n++)
                    for (int ih = 0; ih < g.H; ih++)
                    {
                        float* dst = ppd + n * image + (long)ih * wide * c, src = px + (((long)n * g.H + ih) * g.W) * c;
                        new Span<float>(dst, g.PadLeft * c).Clear();
                        Buffer.MemoryCopy(src, dst + g.PadLeft * c, (long)g.W * c * 4, (long)g.W * c * 4);
                        new Span<float>(dst + (g.PadLeft + g.W) * c, (wide - g.PadLeft - g.W) * c).Clear();
                    }
            });
            // One "tap" per window row, of KW·C channels, over the padded image.
            var rows = g with { W = wide, C = g.KW * c, KW = 1, PadLeft = 0, DilationW = 1 };
            ImplicitProduct(pp, pgy, pgk, rows, cout, c);
        }
        BufferPool.Current.Return(padded);
    }

    /// <summary>
    /// dW = colsᵀ · dY with no patch matrix at all: tap by tap, dW[tap] (C × Cout) = Σ over output
    /// pixels of x[pixel's input under the tap]ᵀ · dY[pixel]. Along an output row, a tap's input pixels
    /// lie at a fixed stride in x, and dY's rows follow each other, so the micro-kernel reads both in
    /// place (<see cref="Gemm.SegmentTile"/>), a run per output row, skipping the pixels where the tap
    /// falls on padding, instead of gathering patches into a buffer and packing them again (the
    /// copies cost a third of the time at 64 channels, where each patch column serves only 64
    /// columns of dW).
    /// </summary>
    /// <remarks>
    /// The work is cut into units of one 12 × 32 micro-tile of dW: (32 output channels, tap, 12
    /// input channels). K (all output pixels) is cut into blocks of whole output rows,
    /// <see cref="ImplicitDepth"/> pixels at most, fixed by the shape; each unit's tile sums each block
    /// in pixel order in registers and adds the blocks in order, so the result does not depend on
    /// which thread owns the unit. Threads take runs of units, and run all of theirs on one block
    /// before the next, so that each block's x and dY come from memory once. (Finishing a tile of 32
    /// output channels over all blocks first, to keep its slice of dW in L2, measured 3-20% slower:
    /// x then comes from memory once per tile.)
    /// </remarks>
    /// <param name="px">x, or its padded copy.</param>
    /// <param name="pgy">dY.</param>
    /// <param name="pgk">dW, overwritten: row tap·C + c, column co.</param>
    /// <param name="g">The geometry, each tap's values C consecutive floats of an input pixel.</param>
    /// <param name="cout">Output channels.</param>
    /// <param name="pixel">Floats between neighbouring input pixels (C, or fewer when a "tap" is a window row).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ImplicitProduct(float* px, float* pgy, float* pgk, Conv2DGeometry g, int cout, int pixel)
    {
        const int tileRows = Gemm.SegmentRows, tileCols = Gemm.SegmentColumns;
        int taps = g.KH * g.KW, c = g.C, outRows = g.N * g.OH;
        int blocks = (outRows + Math.Max(1, ImplicitDepth / g.OW) - 1) / Math.Max(1, ImplicitDepth / g.OW);
        int rowsPerBlock = (outRows + blocks - 1) / blocks; // equal blocks, no thin remainder
        blocks = (outRows + rowsPerBlock - 1) / rowsPerBlock;
        // Strips of a tap's channels: 12 at a time, but a remainder of 4 (64 or 256 channels) joins
        // the last 12 as two strips of 8, whose kernel keeps the FMA units busy where 4 rows cannot.
        int twelves = c / tileRows, eights = 0, remainder = c - twelves * tileRows;
        if (remainder == 4 && twelves > 0) { twelves--; eights = 2; remainder = 0; }
        int strips = twelves + eights + (remainder > 0 ? 1 : 0), outTiles = (cout + tileCols - 1) / tileCols;
        int perOutTile = taps * strips, units = outTiles * perOutTile;
        int parts = Math.Min(units, WorkerPool.Threads);
        // With 16 or more tiles of 32 output channels, the units that share a tap's 12 channels run
        // together: x's lines are read into L1 once for all of them (the block's dY panels wait in
        // L2) instead of once per tile (measured on 512 outputs: 8-20% faster; 2-3% slower on 128
        // and 256).
        bool innerCo = outTiles >= 16;
        int blockPixels = rowsPerBlock * g.OW, padded = outTiles * tileCols;
        // Per part: each tap's runs for the current block and their starts, and the block's dY
        // copied 32 output channels at a time into contiguous rows of 32 (zero-padded past Cout):
        // read in place, rows of 256 or 512 channels lie 1 or 2 KiB apart and fall into a few sets
        // of L1, which then cannot hold the block's columns between micro-tiles.
        int maxRuns = taps * rowsPerBlock;
        var runs = new GemmSegment[parts * maxRuns];
        var starts = new int[parts * (taps + 1)];
        var panels = BufferPool.Current.Rent(parts * blockPixels * padded);
        // The first and last output column of each tap column kw whose input column is inside the image.
        var first = new int[g.KW];
        var end = new int[g.KW];
        for (int kw = 0; kw < g.KW; kw++)
        {
            int t = g.PadLeft - kw * g.DilationW, u = g.W - 1 + g.PadLeft - kw * g.DilationW;
            first[kw] = t <= 0 ? 0 : (t + g.StrideW - 1) / g.StrideW;
            end[kw] = u < 0 ? 0 : Math.Min(g.OW, u / g.StrideW + 1);
        }
        fixed (GemmSegment* pr = runs)
        fixed (int* ps = starts, pFirst = first, pEnd = end)
        fixed (float* pp = panels)
        {
            GemmSegment* runsAll = pr; int* startsAll = ps, firstCol = pFirst, endCol = pEnd; float* panelsAll = pp;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                GemmSegment* myRuns = runsAll + (long)part * maxRuns;
                int* myStarts = startsAll + part * (taps + 1);
                float* myPanels = panelsAll + (long)part * blockPixels * padded;
                int u0 = (int)((long)units * part / parts), u1 = (int)((long)units * (part + 1) / parts);
                for (int b = 0; b < blocks; b++)
                {
                    Prepare(b, u0, u1);
                    for (int u = u0; u < u1; u++) Unit(u, b);
                }

                // Each tap's runs over block b, and the panels of dY that units u0 … u1 − 1 read.
                [MethodImpl(MethodImplOptions.AggressiveOptimization)]
                void Prepare(int b, int u0, int u1)
                {
                    int q0 = b * rowsPerBlock, q1 = Math.Min(outRows, q0 + rowsPerBlock), count = 0;
                    nint csA = (nint)g.StrideW * pixel;
                    for (int tap = 0; tap < taps; tap++)
                    {
                        myStarts[tap] = count;
                        int kh = tap / g.KW, kw = tap % g.KW, lo = firstCol[kw], hi = endCol[kw];
                        if (lo >= hi) continue;
                        for (int q = q0; q < q1; q++)
                        {
                            int n = q / g.OH, oh = q - n * g.OH;
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                            if ((uint)ih >= (uint)g.H) continue;
                            int iw = lo * g.StrideW - g.PadLeft + kw * g.DilationW;
                            long a = (((long)n * g.H + ih) * g.W + iw) * pixel;
                            int bRow = (q - q0) * g.OW + lo, length = hi - lo;
                            // A run that continues the previous one in both operands (a whole
                            // image row under the middle tap) joins it: fewer, longer runs.
                            if (count > myStarts[tap] && myRuns[count - 1] is var last
                                && last.A + last.Length * csA == a && last.B + last.Length == bRow)
                                myRuns[count - 1] = new GemmSegment(last.A, last.B, last.Length + length);
                            else myRuns[count++] = new GemmSegment(a, bRow, length);
                        }
                    }
                    myStarts[taps] = count;
                    int pixels = (q1 - q0) * g.OW;
                    int otFirst = innerCo ? 0 : u0 / perOutTile, otEnd = innerCo ? outTiles - 1 : (u1 - 1) / perOutTile;
                    for (int ot = otFirst; ot <= otEnd; ot++)
                    {
                        int co0 = ot * tileCols, cols = Math.Min(tileCols, cout - co0);
                        float* src = pgy + (long)q0 * g.OW * cout + co0, dst = myPanels + (long)ot * blockPixels * tileCols;
                        for (int p = 0; p < pixels; p++, src += cout, dst += tileCols)
                        {
                            if (cols == tileCols) Unsafe.CopyBlockUnaligned(dst, src, tileCols * sizeof(float));
                            else
                            {
                                for (int j = 0; j < cols; j++) dst[j] = src[j];
                                for (int j = cols; j < tileCols; j++) dst[j] = 0f;
                            }
                        }
                    }
                }

                [MethodImpl(MethodImplOptions.AggressiveOptimization)]
                void Unit(int u, int b)
                {
                    int ot, rest;
                    if (innerCo) { ot = u % outTiles; rest = u / outTiles; }
                    else { ot = u / perOutTile; rest = u - ot * perOutTile; }
                    int tap = rest / strips, strip = rest - tap * strips;
                    int c0 = strip <= twelves ? strip * tileRows : twelves * tileRows + (strip - twelves) * 8;
                    int rows = strip < twelves ? tileRows : strip < twelves + eights ? 8 : c - c0;
                    int co0 = ot * tileCols;
                    Gemm.SegmentTile(rows, px + c0, (nint)g.StrideW * pixel,
                        myPanels + (long)ot * blockPixels * tileCols, tileCols,
                        myRuns + myStarts[tap], myStarts[tap + 1] - myStarts[tap],
                        pgk + ((long)tap * c + c0) * cout + co0, cout, Math.Min(tileCols, cout - co0), b > 0);
                }
            });
        }
        BufferPool.Current.Return(panels);
    }

    /// <summary>
    /// dW = colsᵀ · dY with the patches (cols) gathered again, a block of rows and a slice of their
    /// columns at a time, instead of kept whole from forward: where <see cref="ImplicitBackwardKernel"/>
    /// does not apply (narrower vectors, dilated taps of fewer than 8 channels). The KH·KW·C rows of dW are cut into
    /// slices, as many as the threads at least, each a whole number of micro-tiles; a thread gathers
    /// only its own slices' columns of each block's patches into an L2-sized buffer and adds their
    /// product with the block's dY to its rows of dW.
    /// </summary>
    /// <remarks>
    /// Each element of dW is owned by one slice and summed over the blocks in row order, each block
    /// one K panel of at most <see cref="KernelGradientDepth"/> rows (fixed by the shape); a row of a
    /// slice is one row of the GEMM's A, whose value does not depend on the rows beside it, so the
    /// result does not depend on how the slices are cut, hence on the thread count.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockedBackwardKernel(float* px, float* pgy, float* pgk, Conv2DGeometry g, int cout)
    {
        int kg = g.KH * g.KW * g.C, mr = Gemm.MR;
        long rows = g.Rows;
        // Equal blocks no deeper than the panel depth, so no block is a thin remainder.
        int blocks = (int)((rows + KernelGradientDepth - 1) / KernelGradientDepth);
        int depth = (int)((rows + blocks - 1) / blocks);
        // Slices: whole micro-tiles, their gathered patches at most a quarter of L2, at least one per
        // thread. Wider slices multiply faster (each re-packs the block's dY and its own patches).
        int tiles = (kg + mr - 1) / mr;
        int widest = Math.Max(1, CacheSizes.L2 / 4 / (depth * sizeof(float)) / mr);
        int slices = Math.Min(tiles, Math.Max((tiles + widest - 1) / widest, WorkerPool.Threads));
        int width = (tiles + slices - 1) / slices * mr;
        slices = (kg + width - 1) / width;
        // A last slice one column wide would be read in place by another micro-kernel: give it to
        // the slice before, so that every slice runs the same kernel whatever the thread count.
        int last = kg - (slices - 1) * width;
        if (last == 1 && slices > 1) slices--;
        int parts = Math.Min(slices, WorkerPool.Threads);
        int stride = width + 1; // room for a last slice that took one more column
        var buffers = BufferPool.Current.Rent(parts * depth * stride);
        fixed (float* pb = buffers)
        {
            float* ppb = pb;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                float* buffer = ppb + (long)part * depth * stride;
                int s0 = slices * part / parts, s1 = slices * (part + 1) / parts;
                for (int b = 0; b < blocks; b++)
                {
                    long r0 = (long)b * depth;
                    int count = (int)Math.Min(depth, rows - r0);
                    for (int s = s0; s < s1; s++)
                    {
                        int j0 = s * width, j1 = s == slices - 1 ? kg : j0 + width, w = j1 - j0;
                        PatchColumns(px, g, r0, count, j0, j1, buffer);
                        // dW[j0..j1) (+)= cols[r0.., j0..j1)ᵀ · dY[r0..]
                        Gemm.Serial(Gemm.Kernel, w, cout, count, buffer, 1, w, pgy + r0 * cout, cout, 1,
                            pgk + (long)j0 * cout, cout, b > 0, default);
                    }
                }
            });
        }
        BufferPool.Current.Return(buffers);
    }

    /// <summary>
    /// Columns j0 … j1 − 1 of the patches of output rows r0 … r0 + count − 1, row after row into dst
    /// (row stride j1 − j0): the slice of <see cref="Im2ColRows"/>'s rows that one thread's part of
    /// the kernel gradient reads. A window row inside the image (no dilation) is one contiguous run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PatchColumns(float* x, in Conv2DGeometry g, long r0, int count, int j0, int j1, float* dst)
    {
        int ohw = g.OH * g.OW, c = g.C, rowWidth = g.KW * c;
        int n = (int)(r0 / ohw), rem = (int)(r0 % ohw), oh = rem / g.OW, ow = rem % g.OW;
        int kh0 = j0 / rowWidth, kh1 = (j1 - 1) / rowWidth;
        for (int r = 0; r < count; r++)
        {
            float* image = x + (long)n * g.H * g.W * c;
            int iw0 = ow * g.StrideW - g.PadLeft;
            bool runs = g.DilationW == 1 && iw0 >= 0 && iw0 + g.KW <= g.W;
            for (int kh = kh0; kh <= kh1; kh++)
            {
                // Columns [a, e) of this window row, a and e counted from the row's first column.
                int a = Math.Max(j0 - kh * rowWidth, 0), e = Math.Min(j1 - kh * rowWidth, rowWidth);
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) { Fill(dst, e - a); dst += e - a; continue; }
                float* line = image + (long)ih * g.W * c;
                if (runs) { Copy(line + (long)iw0 * c + a, dst, e - a); dst += e - a; continue; }
                while (a < e)
                {
                    int kw = a / c, q0 = a - kw * c, len = Math.Min(c - q0, e - a);
                    int iw = iw0 + kw * g.DilationW;
                    if ((uint)iw < (uint)g.W) Copy(line + (long)iw * c + q0, dst, len);
                    else Fill(dst, len);
                    dst += len; a += len;
                }
            }
            if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
        }

        static void Copy(float* src, float* to, int length)
        {
            // A call per few floats would cost more than the copy (one channel: one float).
            if (length < 8) for (int q = 0; q < length; q++) to[q] = src[q];
            else Buffer.MemoryCopy(src, to, length * 4L, length * 4L);
        }

        static void Fill(float* to, int length)
        {
            if (length < 8) for (int q = 0; q < length; q++) to[q] = 0f;
            else new Span<float>(to, length).Clear();
        }
    }
}
