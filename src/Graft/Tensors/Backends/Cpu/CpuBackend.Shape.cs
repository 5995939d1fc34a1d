using System.Runtime.CompilerServices;
namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Permute(Tensor x, int[] perm, Tensor y)
    {
        var xs = x.Shape.Strides();
        var ydims = y.Shape.Dims;
        var src = perm.Select(p => xs[p]).ToArray();
        float[] xd = x.Data, yd = y.Data;
        if (ydims.Length == 2 && perm[0] == 1)
        {
            Transpose2D(xd, yd, ydims[1], ydims[0]);
            return;
        }
        var (dims, s) = Coalesce(ydims, src, y.Shape.Strides());
        int inner = dims[^1], si = s[0][^1];
        ForEachRow(dims, s, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (off) =>
        {
            if (si == 1) Array.Copy(xd, off[0], yd, off[1], inner);
            else for (int i = 0; i < inner; i++) yd[off[1] + i] = xd[off[0] + i * si];
        });
    }

    /// <summary>Cache-blocked transpose of a rows×cols matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose2D(float[] x, float[] y, int rows, int cols)
    {
        const int B = 32;
        for (int i0 = 0; i0 < rows; i0 += B)
            for (int j0 = 0; j0 < cols; j0 += B)
            {
                int i1 = Math.Min(rows, i0 + B), j1 = Math.Min(cols, j0 + B);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++)
                        y[j * rows + i] = x[i * cols + j];
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] dims, int[][] strides) SliceView(Tensor x, int[] starts, int[] steps, Shape box, out int baseOffset)
    {
        var xs = x.Shape.Strides();
        baseOffset = 0;
        var src = new int[xs.Length];
        for (int i = 0; i < xs.Length; i++) { baseOffset += starts[i] * xs[i]; src[i] = steps[i] * xs[i]; }
        return Coalesce(box.Dims, src, box.Strides());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SliceCopy(Tensor x, int[] starts, int[] steps, Tensor y)
    {
        if (y.Size == 0) return;
        var (dims, s) = SliceView(x, starts, steps, y.Shape, out int b);
        float[] xd = x.Data, yd = y.Data;
        int inner = dims[^1], si = s[0][^1];
        ForEachRow(dims, s, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (off) =>
        {
            if (si == 1) Array.Copy(xd, b + off[0], yd, off[1], inner);
            else for (int i = 0; i < inner; i++) yd[off[1] + i] = xd[b + off[0] + i * si];
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SliceScatterAdd(Tensor gy, int[] starts, int[] steps, Tensor gx)
    {
        if (gy.Size == 0) return;
        var (dims, s) = SliceView(gx, starts, steps, gy.Shape, out int b);
        float[] gxd = gx.Data, gyd = gy.Data;
        int inner = dims[^1], si = s[0][^1];
        ForEachRow(dims, s, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (off) =>
        {
            for (int i = 0; i < inner; i++) gxd[b + off[0] + i * si] += gyd[off[1] + i];
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(Tensor x, int axis, int[] indices, Tensor y)
    {
        var (outer, n, inner) = View3(x.Shape, axis);
        float[] xd = x.Data, yd = y.Data;
        int m = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                Array.Copy(xd, (o * n + indices[k]) * inner, yd, (o * m + k) * inner, inner);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GatherBackward(Tensor gy, int axis, int[] indices, Tensor gx)
    {
        var (outer, n, inner) = View3(gx.Shape, axis);
        float[] gxd = gx.Data, gyd = gy.Data;
        int m = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
            {
                var dst = gxd.AsSpan((o * n + indices[k]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(dst, gyd.AsSpan((o * m + k) * inner, inner), dst);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Concat(Tensor[] xs, int axis, Tensor y)
    {
        var ydims = y.Shape.Dims;
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= ydims[i];
        for (int i = axis + 1; i < ydims.Length; i++) inner *= ydims[i];
        float[] yd = y.Data;
        int yRow = ydims[axis] * inner, offset = 0;
        foreach (var x in xs)
        {
            int chunk = x.Shape.Dims[axis] * inner;
            float[] xd = x.Data;
            for (int o = 0; o < outer; o++) Array.Copy(xd, o * chunk, yd, o * yRow + offset, chunk);
            offset += chunk;
        }
    }
}
