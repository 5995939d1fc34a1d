using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Graft.Tensors.Backends;

/// <summary>
/// The managed CPU backend: element-wise work through <see cref="TensorPrimitives"/> (SIMD),
/// matrix products through the packed <see cref="Kernels.Gemm"/>, convolution as im2col + GEMM.
/// It has every fused capability, so no op falls back to primitives on the CPU.
/// </summary>
internal sealed partial class CpuBackend : IBackend, IFusedDense, IFusedConv2D, IFusedBiasGradient, IFusedBatchNorm, ILstmKernel, IOptimizerKernels, IConv2DBackwardPair, IFusedWeightUpdate
{
    public TensorStorage Allocate(int length, bool zero) => CpuStorage.Allocate(length, zero);

    public void Upload(ReadOnlySpan<float> src, Tensor dst) => src.CopyTo(dst.Data);

    public void Download(Tensor src, int start, Span<float> dst) => src.Data.AsSpan(start, dst.Length).CopyTo(dst);

    // Copies, fills and gradient sums of large tensors are shared between the kernel threads, as the
    // element-wise ops are (CpuBackend.Elementwise); each element is still written by one thread.
    public void Copy(Tensor src, Tensor dst)
    {
        float[] s = src.Data, d = dst.Data;
        if (ElementwiseParts(s.Length) == 1) s.AsSpan().CopyTo(d);
        else CopyShared(s, d);
    }

    // Apart from the callers so that their serial path allocates no closure.
    private static void CopyShared(float[] s, float[] d) =>
        Elementwise(s.Length, (start, length) => s.AsSpan(start, length).CopyTo(d.AsSpan(start, length)));

    public void Fill(Tensor dst, float value)
    {
        float[] d = dst.Data;
        if (ElementwiseParts(d.Length) == 1) d.AsSpan().Fill(value);
        else FillShared(d, value);
    }

    private static void FillShared(float[] d, float value) => Elementwise(d.Length, (start, length) => d.AsSpan(start, length).Fill(value));

    public void Axpy(float alpha, Tensor src, Tensor dst)
    {
        float[] s = src.Data, d = dst.Data;
        if (ElementwiseParts(d.Length) == 1) AxpySpan(alpha, s, d);
        else AxpyShared(alpha, s, d);
    }

    private static void AxpyShared(float alpha, float[] s, float[] d) =>
        Elementwise(d.Length, (start, length) => AxpySpan(alpha, s.AsSpan(start, length), d.AsSpan(start, length)));

    private static void AxpySpan(float alpha, ReadOnlySpan<float> s, Span<float> d)
    {
        if (alpha == 1f) TensorPrimitives.Add(d, s, d);
        else TensorPrimitives.MultiplyAdd(s, alpha, d, d);
    }

    /// <summary>Row-major strides of <paramref name="shape"/> aligned to the rank of <paramref name="outDims"/>, 0 where it broadcasts against <paramref name="outDims"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int[] BroadcastStrides(Shape shape, int[] outDims)
    {
        int rank = outDims.Length, off = rank - shape.Rank;
        var s = new int[rank];
        var own = shape.Strides();
        for (int i = 0; i < shape.Rank; i++)
            s[i + off] = shape.Dims[i] == 1 && outDims[i + off] != 1 ? 0 : own[i];
        return s;
    }

    /// <summary>
    /// Merges adjacent output dims wherever every operand is contiguous across them, so that a
    /// broadcast op runs as few long inner loops instead of many short ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int[] dims, int[][] strides) Coalesce(int[] dims, params int[][] strides)
    {
        var d = new List<int>(); var s = strides.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1) continue;
            bool merge = d.Count > 0;
            if (merge)
                for (int k = 0; k < strides.Length; k++)
                    if (s[k][^1] != strides[k][i] * dims[i]) { merge = false; break; }
            if (merge)
            {
                d[^1] *= dims[i];
                for (int k = 0; k < strides.Length; k++) s[k][^1] = strides[k][i];
            }
            else
            {
                d.Add(dims[i]);
                for (int k = 0; k < strides.Length; k++) s[k].Add(strides[k][i]);
            }
        }
        if (d.Count == 0) { d.Add(1); foreach (var l in s) l.Add(0); }
        return (d.ToArray(), s.Select(l => l.ToArray()).ToArray());
    }

    /// <summary>Visits every row of the innermost dim: offsets of each operand at the row start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForEachRow(int[] dims, int[][] strides, Action<int[]> row)
    {
        int outer = 1;
        for (int i = 0; i < dims.Length - 1; i++) outer *= dims[i];
        var idx = new int[dims.Length];
        var off = new int[strides.Length];
        for (int r = 0; r < outer; r++)
        {
            row(off);
            for (int ax = dims.Length - 2; ax >= 0; ax--)
            {
                idx[ax]++;
                for (int k = 0; k < off.Length; k++) off[k] += strides[k][ax];
                if (idx[ax] < dims[ax]) break;
                for (int k = 0; k < off.Length; k++) off[k] -= strides[k][ax] * dims[ax];
                idx[ax] = 0;
            }
        }
    }
}
