namespace Graft.Tensors.Backends;

/// <summary>Matrix products, convolution and pooling as the sums of their definitions.</summary>
internal sealed partial class ReferenceBackend
{
    public void MatMul(Tensor a, bool transA, Tensor b, bool transB, Tensor c, bool accumulate)
    {
        double[] ad = D(a), bd = D(b), cd = D(c);
        int m = c.Shape[^2], n = c.Shape[^1], k = transA ? a.Shape[^2] : a.Shape[^1];
        int batch = c.Size / Math.Max(1, m * n);
        bool aShared = a.Size == m * k, bShared = b.Size == k * n;   // a plain matrix serves every batch entry
        for (int t = 0; t < batch; t++)
        {
            int ao = aShared ? 0 : t * m * k, bo = bShared ? 0 : t * k * n, co = t * m * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += ad[ao + (transA ? p * m + i : i * k + p)] * bd[bo + (transB ? j * k + p : p * n + j)];
                    cd[co + i * n + j] = accumulate ? cd[co + i * n + j] + s : s;
                }
        }
    }

    /// <summary>
    /// Visits every (output position, tap, channel pair) of a grouped convolution that reads a real
    /// (unpadded) input cell: (x index, kernel index, y index). Output channel o of group o / (Cout/groups)
    /// sees that group's input channels.
    /// </summary>
    private static void ForEachTap(in Conv2DGeometry g, int cout, int groups, Action<int, int, int> tap)
    {
        int cg = g.C / groups, coutG = cout / groups;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        if (ih < 0 || ih >= g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            if (iw < 0 || iw >= g.W) continue;
                            for (int o = 0; o < cout; o++)
                            {
                                int group = o / coutG;
                                for (int ci = 0; ci < cg; ci++)
                                    tap(((n * g.H + ih) * g.W + iw) * g.C + group * cg + ci,
                                        ((kh * g.KW + kw) * cg + ci) * cout + o,
                                        ((n * g.OH + oh) * g.OW + ow) * cout + o);
                            }
                        }
                    }
    }

    public void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y)
    {
        // y[n, oh, ow, o] = Σ x[n, oh·s − pad + kh·d, ow·s − pad + kw·d, c] · k[kh, kw, c, o]
        double[] xd = D(x), kd = D(kernel), yd = D(y);
        Array.Clear(yd);
        ForEachTap(g, kernel.Shape[3], groups, (xi, ki, yi) => yd[yi] += xd[xi] * kd[ki]);
    }

    public void Conv2DBackwardInput(Tensor gy, Tensor kernel, int groups, in Conv2DGeometry g, Tensor gx)
    {
        // ∂y[yi]/∂x[xi] = k[ki] for every tap: gx[xi] = Σ gy[yi]·k[ki]
        double[] gyd = D(gy), kd = D(kernel), gxd = D(gx);
        Array.Clear(gxd);
        ForEachTap(g, kernel.Shape[3], groups, (xi, ki, yi) => gxd[xi] += gyd[yi] * kd[ki]);
    }

    public void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk)
    {
        // ∂y[yi]/∂k[ki] = x[xi]: gk[ki] = Σ gy[yi]·x[xi]
        double[] xd = D(x), gyd = D(gy), gkd = D(gk);
        Array.Clear(gkd);
        ForEachTap(g, gk.Shape[3], groups, (xi, ki, yi) => gkd[ki] += gyd[yi] * xd[xi]);
    }

    /// <summary>Every real (unpadded) input cell of each pooling window: (window index, x cell index), channels not included.</summary>
    private static IEnumerable<(int Window, int Cell)> Windows(Conv2DGeometry g)
    {
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh;
                        if (ih < 0 || ih >= g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw;
                            if (iw >= 0 && iw < g.W) yield return ((n * g.OH + oh) * g.OW + ow, (n * g.H + ih) * g.W + iw);
                        }
                    }
    }

    public void MaxPool2D(Tensor x, in Conv2DGeometry g, Tensor y)
    {
        double[] xd = D(x), yd = D(y);
        yd.AsSpan().Fill(double.NegativeInfinity);
        foreach (var (w, cell) in Windows(g))
            for (int c = 0; c < g.C; c++) yd[w * g.C + c] = Math.Max(yd[w * g.C + c], xd[cell * g.C + c]);
    }

    public void MaxPool2DBackward(Tensor x, Tensor y, Tensor gy, in Conv2DGeometry g, Tensor gx)
    {
        // The window's gradient goes to its first cell (in scan order) that holds the maximum.
        double[] xd = D(x), yd = D(y), gyd = D(gy), gxd = D(gx);
        Array.Clear(gxd);
        var routed = new bool[y.Size];
        foreach (var (w, cell) in Windows(g))
            for (int c = 0; c < g.C; c++)
            {
                int yi = w * g.C + c;
                if (!routed[yi] && xd[cell * g.C + c] == yd[yi]) { gxd[cell * g.C + c] += gyd[yi]; routed[yi] = true; }
            }
    }

    /// <summary>How many real cells each window covers (average pooling divides by it, as TensorFlow does).</summary>
    private static int[] WindowCounts(Conv2DGeometry g)
    {
        var counts = new int[g.N * g.OH * g.OW];
        foreach (var (w, _) in Windows(g)) counts[w]++;
        return counts;
    }

    public void AvgPool2D(Tensor x, in Conv2DGeometry g, Tensor y)
    {
        double[] xd = D(x), yd = D(y);
        Array.Clear(yd);
        var counts = WindowCounts(g);
        foreach (var (w, cell) in Windows(g))
            for (int c = 0; c < g.C; c++) yd[w * g.C + c] += xd[cell * g.C + c] / counts[w];
    }

    public void AvgPool2DBackward(Tensor gy, in Conv2DGeometry g, Tensor gx)
    {
        double[] gyd = D(gy), gxd = D(gx);
        Array.Clear(gxd);
        var counts = WindowCounts(g);
        foreach (var (w, cell) in Windows(g))
            for (int c = 0; c < g.C; c++) gxd[cell * g.C + c] += gyd[w * g.C + c] / counts[w];
    }
}
