using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2D(Tensor x, in Conv2DGeometry g, Tensor y)
    {
        float[] xd = x.Data, yd = y.Data;
        int c = g.C;
        var geo = g;
        // Images are shared between threads (here and in the backward passes): no value is
        // combined across images, so the split never changes a result.
        int parts = g.N * g.OH * g.OW * c > 1 << 15 ? Kernels.WorkerPool.Threads : 1;
        Kernels.WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
        {
            for (int n = geo.N * part / parts; n < geo.N * (part + 1) / parts; n++)
                for (int oh = 0; oh < geo.OH; oh++)
                    for (int ow = 0; ow < geo.OW; ow++)
                    {
                        var acc = yd.AsSpan(((n * geo.OH + oh) * geo.OW + ow) * c, c);
                        bool first = true;
                        for (int kh = 0; kh < geo.KH; kh++)
                        {
                            int ih = oh * geo.StrideH - geo.PadTop + kh;
                            if ((uint)ih >= (uint)geo.H) continue;
                            for (int kw = 0; kw < geo.KW; kw++)
                            {
                                int iw = ow * geo.StrideW - geo.PadLeft + kw;
                                if ((uint)iw >= (uint)geo.W) continue;
                                var row = xd.AsSpan(((n * geo.H + ih) * geo.W + iw) * c, c);
                                if (first) { row.CopyTo(acc); first = false; }
                                else TensorPrimitives.Max(acc, row, acc);
                            }
                        }
                        if (first) acc.Fill(float.NegativeInfinity);
                    }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void MaxPool2DBackward(Tensor x, Tensor y, Tensor gy, in Conv2DGeometry g, Tensor gx)
    {
        int c = g.C;
        var geo = g;
        if (g.StrideH == g.KH && g.StrideW == g.KW && g.PadTop == 0 && g.PadLeft == 0 && g.OH * g.KH == g.H && g.OW * g.KW == g.W)
        {
            // Windows tile the input exactly: every element is written once, no clearing, no accumulation.
            NonOverlappingMaxPoolBackward(x, y, gy, g, gx);
            return;
        }
        gx.Data.AsSpan().Clear();
        // Windows may overlap (stride < size), so images are split between threads, never windows.
        int parts = g.N * g.OH * g.OW * c > 1 << 15 ? Kernels.WorkerPool.Threads : 1;
        fixed (float* px = x.Data, py = y.Data, pgy = gy.Data, pgx = gx.Data)
        {
            float* xs = px, ys = py, gys = pgy, gxs = pgx;
            Kernels.WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                var taken = stackalloc float[c];
                for (int n = geo.N * part / parts; n < geo.N * (part + 1) / parts; n++)
                    for (int oh = 0; oh < geo.OH; oh++)
                        for (int ow = 0; ow < geo.OW; ow++)
                        {
                            long o = ((long)(n * geo.OH + oh) * geo.OW + ow) * c;
                            new Span<float>(taken, c).Clear();
                            for (int kh = 0; kh < geo.KH; kh++)
                            {
                                int ih = oh * geo.StrideH - geo.PadTop + kh;
                                if ((uint)ih >= (uint)geo.H) continue;
                                for (int kw = 0; kw < geo.KW; kw++)
                                {
                                    int iw = ow * geo.StrideW - geo.PadLeft + kw;
                                    if ((uint)iw >= (uint)geo.W) continue;
                                    long i = ((long)(n * geo.H + ih) * geo.W + iw) * c;
                                    Kernels.PoolKernels.RouteMax(xs + i, ys + o, gys + o, taken, gxs + i, c);
                                }
                            }
                        }
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NonOverlappingMaxPoolBackward(Tensor x, Tensor y, Tensor gy, Conv2DGeometry g, Tensor gx)
    {
        int c = g.C;
        int parts = g.N * g.OH * g.OW * c > 1 << 15 ? Kernels.WorkerPool.Threads : 1;
        fixed (float* px = x.Data, py = y.Data, pgy = gy.Data, pgx = gx.Data)
        {
            float* xs = px, ys = py, gys = pgy, gxs = pgx;
            Kernels.WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                var taken = stackalloc float[c];
                for (int n = g.N * part / parts; n < g.N * (part + 1) / parts; n++)
                    for (int oh = 0; oh < g.OH; oh++)
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            long o = ((long)(n * g.OH + oh) * g.OW + ow) * c;
                            new Span<float>(taken, c).Clear();
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                {
                                    long i = ((long)(n * g.H + oh * g.KH + kh) * g.W + ow * g.KW + kw) * c;
                                    Kernels.PoolKernels.WriteMax(xs + i, ys + o, gys + o, taken, gxs + i, c);
                                }
                        }
            });
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
