namespace Graft.Tensors.Backends;

internal sealed partial class ReferenceBackend
{
    public void Permute(Tensor x, int[] perm, Tensor y)
    {
        // y's axis i is x's axis perm[i].
        double[] xd = D(x), yd = D(y);
        int[] yDims = y.Shape.Dims, xDims = x.Shape.Dims, c = new int[yDims.Length], xc = new int[xDims.Length];
        for (int i = 0; i < yd.Length; i++)
        {
            Unravel(i, yDims, c);
            for (int ax = 0; ax < perm.Length; ax++) xc[perm[ax]] = c[ax];
            yd[i] = xd[Index(xDims, xc)];
        }
    }

    /// <summary>x's flat index of the box element at <paramref name="c"/>: starts + c·steps on each axis.</summary>
    private static int BoxIndex(int[] xDims, int[] starts, int[] steps, int[] c, int[] xc)
    {
        for (int ax = 0; ax < xDims.Length; ax++) xc[ax] = starts[ax] + c[ax] * steps[ax];
        return Index(xDims, xc);
    }

    public void SliceCopy(Tensor x, int[] starts, int[] steps, Tensor y)
    {
        double[] xd = D(x), yd = D(y);
        int[] yDims = y.Shape.Dims, c = new int[yDims.Length], xc = new int[yDims.Length];
        for (int i = 0; i < yd.Length; i++)
        {
            Unravel(i, yDims, c);
            yd[i] = xd[BoxIndex(x.Shape.Dims, starts, steps, c, xc)];
        }
    }

    public void SliceScatterAdd(Tensor gy, int[] starts, int[] steps, Tensor gx)
    {
        double[] gyd = D(gy), gxd = D(gx);
        int[] yDims = gy.Shape.Dims, c = new int[yDims.Length], xc = new int[yDims.Length];
        for (int i = 0; i < gyd.Length; i++)
        {
            Unravel(i, yDims, c);
            gxd[BoxIndex(gx.Shape.Dims, starts, steps, c, xc)] += gyd[i];
        }
    }

    public void Gather(Tensor x, int axis, int[] indices, Tensor y)
    {
        double[] xd = D(x), yd = D(y);
        var (outer, n, inner) = Around(x.Shape.Dims, axis);
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < indices.Length; k++)
                for (int j = 0; j < inner; j++)
                    yd[(o * indices.Length + k) * inner + j] = xd[(o * n + indices[k]) * inner + j];
    }

    public void GatherBackward(Tensor gy, int axis, int[] indices, Tensor gx)
    {
        double[] gyd = D(gy), gxd = D(gx);
        var (outer, n, inner) = Around(gx.Shape.Dims, axis);
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < indices.Length; k++)
                for (int j = 0; j < inner; j++)
                    gxd[(o * n + indices[k]) * inner + j] += gyd[(o * indices.Length + k) * inner + j];
    }

    public void Concat(Tensor[] xs, int axis, Tensor y)
    {
        double[] yd = D(y);
        int[] yDims = y.Shape.Dims, c = new int[yDims.Length];
        int offset = 0;
        foreach (var x in xs)
        {
            double[] xd = D(x);
            int[] xDims = x.Shape.Dims;
            for (int i = 0; i < xd.Length; i++)
            {
                Unravel(i, xDims, c);
                c[axis] += offset;
                yd[Index(yDims, c)] = xd[i];
            }
            offset += xDims[axis];
        }
    }
}
