using System.Runtime.CompilerServices;

namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void MaxPool2D(Tensor x, in Conv2DGeometry g, Tensor y)
    {
        int c = g.C;
        var geo = g;
        // Images are shared between threads (here and in the backward pass): no value is
        // combined across images, so the split never changes a result.
        int parts = g.N * g.OH * g.OW * c > 1 << 15 ? Kernels.WorkerPool.Threads : 1;
        fixed (float* px = x.Data, py = y.Data)
        {
            float* xs = px, ys = py;
            Kernels.WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                int window = geo.KH * geo.KW;
                Span<long> buffer = window <= MaxStackCells ? stackalloc long[window] : new long[window];
                fixed (long* cells = buffer)
                    for (int n = geo.N * part / parts; n < geo.N * (part + 1) / parts; n++)
                        for (int oh = 0; oh < geo.OH; oh++)
                            for (int ow = 0; ow < geo.OW; ow++)
                            {
                                int count = WindowCells(geo, n, oh, ow, cells);
                                Kernels.PoolKernels.WindowMax(xs, cells, count, ys + ((long)(n * geo.OH + oh) * geo.OW + ow) * c, c);
                            }
            });
        }
    }

    // A window's cell offsets live on the stack up to this many (32 KiB); a longer window (a
    // MaxPooling1D over a whole long sequence) takes them from the heap rather than overflow the stack.
    private const int MaxStackCells = 4096;

    /// <summary>
    /// The offsets in x of the window's cells inside the image, row by row (the order in which the
    /// first maximum wins); returns their count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int WindowCells(in Conv2DGeometry g, int n, int oh, int ow, long* cells)
    {
        int count = 0;
        for (int kh = 0; kh < g.KH; kh++)
        {
            int ih = oh * g.StrideH - g.PadTop + kh;
            if ((uint)ih >= (uint)g.H) continue;
            for (int kw = 0; kw < g.KW; kw++)
            {
                int iw = ow * g.StrideW - g.PadLeft + kw;
                if ((uint)iw >= (uint)g.W) continue;
                cells[count++] = ((long)(n * g.H + ih) * g.W + iw) * g.C;
            }
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void MaxPool2DBackward(Tensor x, Tensor y, Tensor gy, in Conv2DGeometry g, Tensor gx)
    {
        int c = g.C;
        var geo = g;
        // Windows that never overlap (stride >= size) write their cells, zeros included, instead of
        // adding; only cells no window covers need clearing first (the last row and column of an odd
        // size under 2×2 windows), and none do when they tile the input. Each thread clears its own
        // images: a serial clear of the whole gradient cost as much as routing it.
        bool disjoint = g.StrideH >= g.KH && g.StrideW >= g.KW;
        bool tiles = disjoint && g.StrideH == g.KH && g.StrideW == g.KW && g.PadTop == 0 && g.PadLeft == 0 && g.OH * g.KH == g.H && g.OW * g.KW == g.W;
        // Overlapping windows add into shared cells, so images are split between threads, never windows.
        int parts = g.N * g.OH * g.OW * c > 1 << 15 ? Kernels.WorkerPool.Threads : 1;
        fixed (float* px = x.Data, py = y.Data, pgy = gy.Data, pgx = gx.Data)
        {
            float* xs = px, ys = py, gys = pgy, gxs = pgx;
            Kernels.WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                int window = geo.KH * geo.KW;
                Span<long> buffer = window <= MaxStackCells ? stackalloc long[window] : new long[window];
                fixed (long* cells = buffer)
                    for (int n = geo.N * part / parts; n < geo.N * (part + 1) / parts; n++)
                    {
                        float* image = gxs + (long)n * geo.H * geo.W * c;
                        if (!disjoint) new Span<float>(image, geo.H * geo.W * c).Clear();
                        else if (!tiles) ClearUncovered(image, geo);
                        for (int oh = 0; oh < geo.OH; oh++)
                            for (int ow = 0; ow < geo.OW; ow++)
                            {
                                long o = ((long)(n * geo.OH + oh) * geo.OW + ow) * c;
                                int count = WindowCells(geo, n, oh, ow, cells);
                                Kernels.PoolKernels.WindowRoute(xs, gxs, cells, count, ys + o, gys + o, c, add: !disjoint);
                            }
                    }
            });
        }
    }

    /// <summary>Clears the cells of one image's gradient that no window of a disjoint pooling covers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ClearUncovered(float* image, in Conv2DGeometry g)
    {
        int c = g.C;
        for (int ih = 0; ih < g.H; ih++)
        {
            float* row = image + (long)ih * g.W * c;
            if (!Covered(ih, g.PadTop, g.StrideH, g.KH, g.OH)) { new Span<float>(row, g.W * c).Clear(); continue; }
            for (int iw = 0; iw < g.W; iw++)
                if (!Covered(iw, g.PadLeft, g.StrideW, g.KW, g.OW)) new Span<float>(row + (long)iw * c, c).Clear();
        }

        // Whether a window along one axis holds cell i: windows of k cells every s >= k cells from −pad.
        static bool Covered(int i, int pad, int s, int k, int outputs)
        {
            int p = i + pad, o = p / s;
            return o < outputs && p - o * s < k;
        }
    }

    // Average pooling divides by the number of real (unpadded) cells, as TensorFlow does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2D(Tensor x, in Conv2DGeometry g, Tensor y)
    {
        float[] xd = x.Data, yd = y.Data;
        int c = g.C;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var acc = yd.AsSpan(((n * g.OH + oh) * g.OW + ow) * c, c);
                    acc.Clear();
                    int count = 0;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw;
                            if ((uint)iw >= (uint)g.W) continue;
                            System.Numerics.Tensors.TensorPrimitives.Add(acc, xd.AsSpan(((n * g.H + ih) * g.W + iw) * c, c), acc);
                            count++;
                        }
                    }
                    if (count > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(acc, 1f / count, acc);
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2DBackward(Tensor gy, in Conv2DGeometry g, Tensor gx)
    {
        float[] gyd = gy.Data, gxd = gx.Data;
        gxd.AsSpan().Clear();
        int c = g.C;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int count = 0;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                            if ((uint)(ow * g.StrideW - g.PadLeft + kw) < (uint)g.W) count++;
                    }
                    if (count == 0) continue;
                    float inv = 1f / count;
                    var src = gyd.AsSpan(((n * g.OH + oh) * g.OW + ow) * c, c);
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw;
                            if ((uint)iw >= (uint)g.W) continue;
                            var d = gxd.AsSpan(((n * g.H + ih) * g.W + iw) * c, c);
                            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(src, inv, d, d);
                        }
                    }
                }
    }
}
