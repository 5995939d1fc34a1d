namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    public void MaxPool2D(Tensor x, in Conv2DGeometry g, Tensor y, int[] argmax)
    {
        float[] xd = x.Data, yd = y.Data;
        int c = g.C;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int o = ((n * g.OH + oh) * g.OW + ow) * c;
                    yd.AsSpan(o, c).Fill(float.NegativeInfinity);
                    argmax.AsSpan(o, c).Fill(-1);
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw;
                            if ((uint)iw >= (uint)g.W) continue;
                            int i = ((n * g.H + ih) * g.W + iw) * c;
                            for (int ch = 0; ch < c; ch++)
                            {
                                float v = xd[i + ch];
                                if (v > yd[o + ch] || argmax[o + ch] < 0) { yd[o + ch] = v; argmax[o + ch] = i + ch; }
                            }
                        }
                    }
                }
    }

    public void MaxPool2DBackward(Tensor gy, int[] argmax, Tensor gx)
    {
        float[] gyd = gy.Data, gxd = gx.Data;
        gxd.AsSpan().Clear();
        for (int o = 0; o < gyd.Length; o++)
            if (argmax[o] >= 0) gxd[argmax[o]] += gyd[o];
    }

    // Average pooling divides by the number of real (unpadded) cells, as TensorFlow does.
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
