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
        Conv2D(x, kernel, groups, g, y, null, EpilogueActivation.None, null);

    void IBackend.Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk) =>
        Conv2DBackwardKernel(x, gy, groups, g, gk, null);

    public void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y, Tensor? bias, EpilogueActivation activation, Tensor? keep)
    {
        int cout = kernel.Shape[^1], cg = g.C / groups, coutG = cout / groups, kg = g.KH * g.KW * cg;
        fixed (float* px = x.Data, pk = kernel.Data, py = y.Data, pb = bias is null ? null : bias.Data)
        {
            var ep = new Epilogue(pb, activation);
            // Direct for few channels, unless the patches are wanted for a kernel gradient.
            if (keep is null && DirectConv.Applies(g.C, cout, groups))
            {
                DirectConv.Forward(px, pk, py, g, cout, ep);
                return;
            }
            if (IsPointwise(g, groups))
            {
                Gemm.Multiply(g.Rows, cout, g.C, px, g.C, 1, pk, cout, 1, py, cout, false, ep);
                return;
            }
            if (keep is not null)
            {
                // One chunk into the caller's buffer, kept for the kernel gradient.
                fixed (float* pc = keep.Data)
                {
                    Im2Col(px, g, 0, g.N, 0, g.C, pc);
                    Gemm.Multiply(g.Rows, cout, kg, pc, kg, 1, pk, cout, 1, py, cout, false, ep);
                }
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
    }

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

    public void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk, Tensor? kept)
    {
        int cout = gk.Shape[^1], cg = g.C / groups, coutG = cout / groups, kg = g.KH * g.KW * cg;
        if (kept is not null)
        {
            fixed (float* pc = kept.Data, pgy = gy.Data, pgk = gk.Data)
                Gemm.Multiply(kg, cout, g.Rows, pc, 1, kg, pgy, cout, 1, pgk, cout, false);
            return;
        }
        fixed (float* px = x.Data, pgy = gy.Data, pgk = gk.Data)
        {
            if (IsPointwise(g, groups))
            {
                // dW = Xᵀ · dY
                Gemm.Multiply(g.C, cout, g.Rows, px, 1, g.C, pgy, cout, 1, pgk, cout, false);
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
    /// Runs <paramref name="body"/> for each image, split across the kernel workers when there is
    /// enough work. Im2Col and Col2Im touch only their own image, so the split never changes a value.
    /// </summary>
    private static void ForEachImage(int images, long elementsPerImage, Action<int> body)
    {
        int parts = images * elementsPerImage > 1 << 16 ? Math.Min(images, WorkerPool.Threads) : 1;
        WorkerPool.Run(parts, p =>
        {
            for (int i = images * p / parts; i < images * (p + 1) / parts; i++) body(i);
        });
    }

    /// <summary>cols[r, (kh·KW + kw)·cg + c] = x[n, oh·s − pad + kh·d, ow·s − pad + kw·d, c0 + c], zero outside.</summary>
    private static void Im2Col(float* x, in Conv2DGeometry g, int n0, int nb, int c0, int cg, float* cols)
    {
        int kg = g.KH * g.KW * cg;
        var geo = g;
        ForEachImage(nb, geo.OH * geo.OW * kg, ni =>
        {
            int n = n0 + ni;
            float* dst = cols + (long)ni * geo.OH * geo.OW * kg;
            for (int oh = 0; oh < geo.OH; oh++)
                for (int ow = 0; ow < geo.OW; ow++)
                {
                    for (int kh = 0; kh < geo.KH; kh++)
                    {
                        int ih = oh * geo.StrideH - geo.PadTop + kh * geo.DilationH;
                        for (int kw = 0; kw < geo.KW; kw++)
                        {
                            int iw = ow * geo.StrideW - geo.PadLeft + kw * geo.DilationW;
                            if ((uint)ih < (uint)geo.H && (uint)iw < (uint)geo.W)
                            {
                                float* src = x + (((long)n * geo.H + ih) * geo.W + iw) * geo.C + c0;
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
        });
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each patch back where it came from.</summary>
    private static void Col2Im(float* cols, in Conv2DGeometry g, int n0, int nb, int c0, int cg, float* gx)
    {
        int kg = g.KH * g.KW * cg;
        var geo = g;
        ForEachImage(nb, geo.OH * geo.OW * kg, ni =>
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
