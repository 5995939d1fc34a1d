using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

/// <summary>
/// 2-D convolution over NHWC data as im2col + GEMM. The Keras kernel layout
/// (KH, KW, Cin/groups, Cout) is already the (K × Cout) matrix the GEMM wants, so the kernel is
/// never copied; only the input patches are gathered, a few images at a time to bound memory.
/// </summary>
internal sealed unsafe partial class CpuBackend
{
    private const int Im2ColBudget = 1 << 22; // floats per im2col chunk (16 MiB)

    private static bool IsPointwise(in Conv2DGeometry g, int groups) => g.IsPointwise(groups);

    private static int ImagesPerChunk(in Conv2DGeometry g, int kg) =>
        Math.Clamp(Im2ColBudget / Math.Max(1, g.OH * g.OW * kg), 1, Math.Max(1, g.N));

    void IBackend.Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y) =>
        Conv2D(x, kernel, groups, g, y, null, EpilogueActivation.None);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y, Tensor? bias, EpilogueActivation activation)
    {
        int cout = kernel.Shape[^1];
        fixed (float* px = x.Data, pk = kernel.Data, py = y.Data, pb = bias is null ? null : bias.Data)
        {
            var ep = new Epilogue(pb, activation);
            // 3×3 stride 1 by Winograd where it measured faster. A kernel being trained changes at every
            // step: its transform is made for the call alone (never kept, which would hold four times the
            // kernel's size per layer), and only where enough tiles repay it.
            bool trained = Tensor.NeedsGrad(kernel);
            if (trained ? Winograd.TrainingPays(g, groups, cout) : Winograd.Pays(g, groups, cout))
            {
                Winograd.Forward(px, kernel.Data, py, g, cout, ep, keepTransform: !trained && !kernel.Storage.IsPooled);
                return;
            }
            Forward(px, pk, py, groups, g, cout, ep);
        }
    }

    /// <summary>y = conv(x, k) with the epilogue: direct for few channels, GEMM for 1×1, else im2col in chunks + GEMM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(float* px, float* pk, float* py, int groups, in Conv2DGeometry g, int cout, Epilogue ep)
    {
        int cg = g.C / groups, coutG = cout / groups, kg = g.KH * g.KW * cg;
        if (DirectConv.Applies(g.C, cout, groups, g.KH * g.KW))
        {
            DirectConv.Forward(px, pk, py, g, cout, ep);
            return;
        }
        if (IsPointwise(g, groups))
        {
            Gemm.Multiply(g.Rows, cout, g.C, px, g.C, 1, pk, cout, 1, py, cout, false, ep);
            return;
        }
        if (groups == 1 && BlockedApplies(kg, cout))
        {
            BlockedForward(px, pk, py, g, cout, ep);
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
                    Gemm.Multiply(rows, coutG, kg, pc, kg, 1, pk + gi * coutG, cout, 1,
                        py + (long)n0 * g.OH * g.OW * cout + gi * coutG, cout, false, ep.Shift(gi * coutG));
                }
            }
        }
        BufferPool.Current.Return(cols);
    }

    /// <summary>
    /// Whether <see cref="BlockedForward"/> pays: when the packed kernel (kg × cout) fits in half of
    /// L2, beside the block of patches. A wide kernel (ResNet's 3×3 × 256 and up) is better packed
    /// once per K panel for the whole batch, as the chunked path does, than streamed per block; its
    /// patches also cost little next to the cout multiply-adds each one feeds.
    /// </summary>
    private static bool BlockedApplies(int kg, int cout) =>
        Gemm.CanPackWholeB(cout) && Gemm.PackedBLength(Gemm.Kernel, cout, kg) * sizeof(float) <= CacheSizes.L2 / 2;

    /// <summary>
    /// Rows of patches one thread gathers and multiplies at a time: a quarter of L2, a whole number
    /// of micro-tiles, so the patches are still in cache when the GEMM reads them.
    /// </summary>
    private static int BlockRows(int kg)
    {
        int mr = Gemm.MR;
        int rows = CacheSizes.L2 / 4 / (kg * sizeof(float)) / mr * mr;
        return Math.Clamp(rows, 2 * mr, 512 / mr * mr);
    }

    /// <summary>
    /// y = conv(x, k) as im2col + GEMM one block of rows at a time, each thread gathering the patches of
    /// its own blocks into an L2-sized buffer and multiplying them at once by the kernel, packed once for
    /// all blocks. Measured on ResNet18's first stage (56×56×64, batch 16): the whole-chunk path writes
    /// a 14 MB patch matrix and reads it back from memory, which cost about as much as the multiply-adds
    /// (64 per patch element); here the patches never leave L2.
    /// </summary>
    /// <remarks>
    /// Each output row is one GEMM row with the same K panels as in one large product, so the values
    /// do not depend on the block size or the thread count.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockedForward(float* px, float* pk, float* py, Conv2DGeometry g, int cout, Epilogue ep)
    {
        int kg = g.KH * g.KW * g.C, block = BlockRows(kg);
        long rows = (long)g.N * g.OH * g.OW;
        int blocks = (int)((rows + block - 1) / block);
        int parts = Math.Min(blocks, WorkerPool.Threads);
        var kernel = Gemm.Kernel;
        var packed = BufferPool.Current.Rent((int)Gemm.PackedBLength(kernel, cout, kg));
        var patches = BufferPool.Current.Rent(parts * block * kg);
        fixed (float* pp = packed, pc = patches)
        {
            Gemm.PackWholeB(kernel, cout, kg, pk, cout, 1, pp);
            float* ppk = pp, ppc = pc;
            WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                float* buffer = ppc + (long)part * block * kg;
                for (int b = blocks * part / parts, end = blocks * (part + 1) / parts; b < end; b++)
                {
                    long r0 = (long)b * block;
                    int count = (int)Math.Min(block, rows - r0);
                    Im2ColRows(px, g, r0, count, buffer);
                    Gemm.Serial(kernel, count, cout, kg, buffer, kg, 1, null, cout, 1, py + r0 * cout, cout, false, ep, ppk);
                }
            });
        }
        BufferPool.Current.Return(patches);
        BufferPool.Current.Return(packed);
    }

    /// <summary>The patches of output rows r0 … r0 + count − 1 (row = (n·OH + oh)·OW + ow): cols[r, (kh·KW + kw)·C + c], zero outside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColRows(float* x, in Conv2DGeometry g, long r0, int count, float* dst)
    {
        int ohw = g.OH * g.OW, kg = g.KH * g.KW * g.C;
        int n = (int)(r0 / ohw), rem = (int)(r0 % ohw), oh = rem / g.OW, ow = rem % g.OW;
        for (int r = 0; r < count; r++, dst += kg)
        {
            PatchRow(x + (long)n * g.H * g.W * g.C, g, 0, g.C, oh, ow, dst);
            if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
        }
    }

    /// <summary>
    /// One patch: dst[(kh·KW + kw)·cg + c] = image[oh·s − pad + kh·d, ow·s − pad + kw·d, c0 + c], zero
    /// outside. A window row wholly inside the image over all its channels (no dilation, no groups) is
    /// one contiguous run of KW·C floats, copied at once: a 7×7 RGB window is 7 copies of 21 floats
    /// instead of 49 of 3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PatchRow(float* image, in Conv2DGeometry g, int c0, int cg, int oh, int ow, float* dst)
    {
        int iw0 = ow * g.StrideW - g.PadLeft;
        bool runs = cg == g.C && g.DilationW == 1 && iw0 >= 0 && iw0 + g.KW <= g.W;
        int run = g.KW * cg;
        for (int kh = 0; kh < g.KH; kh++)
        {
            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
            bool rowInside = (uint)ih < (uint)g.H;
            if (rowInside && runs)
            {
                float* src = image + ((long)ih * g.W + iw0) * g.C;
                if (run < 8) for (int q = 0; q < run; q++) dst[q] = src[q];
                else Buffer.MemoryCopy(src, dst, run * 4L, run * 4L);
                dst += run;
                continue;
            }
            for (int kw = 0; kw < g.KW; kw++)
            {
                int iw = iw0 + kw * g.DilationW;
                if (rowInside && (uint)iw < (uint)g.W)
                {
                    float* src = image + ((long)ih * g.W + iw) * g.C + c0;
                    // A call per few floats would cost more than the copy (one channel: one float).
                    if (cg < 8) for (int q = 0; q < cg; q++) dst[q] = src[q];
                    else Buffer.MemoryCopy(src, dst, cg * 4L, cg * 4L);
                }
                else if (cg < 8) for (int q = 0; q < cg; q++) dst[q] = 0f;
                else new Span<float>(dst, cg).Clear();
                dst += cg;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for each image, split across the kernel workers when there is
    /// enough work. Im2Col and Col2Im touch only their own image, so the split never changes a value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForEachImage(int images, long elementsPerImage, Action<int> body)
    {
        int parts = images * elementsPerImage > 1 << 16 ? Math.Min(images, WorkerPool.Threads) : 1;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            for (int i = images * p / parts; i < images * (p + 1) / parts; i++) body(i);
        });
    }

    /// <summary>cols[r, (kh·KW + kw)·cg + c] = x[n, oh·s − pad + kh·d, ow·s − pad + kw·d, c0 + c], zero outside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col(float* x, in Conv2DGeometry g, int n0, int nb, int c0, int cg, float* cols)
    {
        int kg = g.KH * g.KW * cg;
        var geo = g;
        ForEachImage(nb, geo.OH * geo.OW * kg, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (ni) =>
        {
            int n = n0 + ni;
            float* dst = cols + (long)ni * geo.OH * geo.OW * kg;
            float* image = x + (long)n * geo.H * geo.W * geo.C;
            for (int oh = 0; oh < geo.OH; oh++)
                for (int ow = 0; ow < geo.OW; ow++, dst += kg)
                    PatchRow(image, geo, c0, cg, oh, ow, dst);
        });
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each patch back where it came from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2Im(float* cols, in Conv2DGeometry g, int n0, int nb, int c0, int cg, float* gx)
    {
        int kg = g.KH * g.KW * cg;
        var geo = g;
        ForEachImage(nb, geo.OH * geo.OW * kg, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (ni) =>
        {
            int n = n0 + ni;
            float* src = cols + (long)ni * geo.OH * geo.OW * kg;
            for (int oh = 0; oh < geo.OH; oh++)
                for (int ow = 0; ow < geo.OW; ow++)
                    for (int kh = 0; kh < geo.KH; kh++)
                    {
                        int ih = oh * geo.StrideH - geo.PadTop + kh * geo.DilationH;
                        for (int kw = 0; kw < geo.KW; kw++)
                        {
                            int iw = ow * geo.StrideW - geo.PadLeft + kw * geo.DilationW;
                            if ((uint)ih < (uint)geo.H && (uint)iw < (uint)geo.W)
                            {
                                float* d = gx + (((long)n * geo.H + ih) * geo.W + iw) * geo.C + c0;
                                if (cg < 8) for (int q = 0; q < cg; q++) d[q] += src[q];
                                else System.Numerics.Tensors.TensorPrimitives.Add(new Span<float>(d, cg), new ReadOnlySpan<float>(src, cg), new Span<float>(d, cg));
                            }
                            src += cg;
                        }
                    }
        });
    }
}
