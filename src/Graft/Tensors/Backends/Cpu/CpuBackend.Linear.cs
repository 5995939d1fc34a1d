using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

internal sealed unsafe partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MatMul(Tensor a, bool transA, Tensor b, bool transB, Tensor c, bool accumulate)
    {
        var ad = a.Shape.Dims; var bd = b.Shape.Dims; var cd = c.Shape.Dims;
        int m = cd[^2], n = cd[^1];
        int k = transA ? ad[^2] : ad[^1];
        int batch = c.Size / Math.Max(1, m * n);
        int aBatch = a.Size / Math.Max(1, m * k), bBatch = b.Size / Math.Max(1, k * n);
        // A is stored [.., M, K] (or [.., K, M] when transposed): element (i, p) at i·rs + p·cs.
        int rsA = transA ? 1 : k, csA = transA ? m : 1;
        int rsB = transB ? 1 : n, csB = transB ? k : 1;
        fixed (float* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            for (int t = 0; t < batch; t++)
            {
                float* at = pa + (aBatch == 1 ? 0 : (long)t * m * k);
                float* bt = pb + (bBatch == 1 ? 0 : (long)t * k * n);
                Gemm.Multiply(m, n, k, at, rsA, csA, bt, rsB, csB, pc + (long)t * m * n, n, accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Dense(Tensor x, Tensor w, Tensor? bias, EpilogueActivation activation, Tensor y)
    {
        int m = x.Shape[0], k = x.Shape[1], n = w.Shape[1];
        fixed (float* px = x.Data, pw = w.Data, py = y.Data, pb = bias is null ? null : bias.Data)
            Gemm.Multiply(m, n, k, px, k, 1, pw, n, 1, py, n, false, new Epilogue(pb, activation));
    }
}
