using System.Runtime.CompilerServices;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

/// <summary>Batch normalization over the last axis through <see cref="BatchNormKernels"/>.</summary>
internal sealed unsafe partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchMoments(Tensor x, Tensor mean, Tensor variance)
    {
        int c = x.Shape[^1], rows = x.Size / c;
        fixed (float* px = x.Data, pm = mean.Data, pv = variance.Data)
            BatchNormKernels.Moments(px, rows, c, pm, pv);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScaleShift(Tensor x, Tensor scale, Tensor shift, Tensor y)
    {
        int c = x.Shape[^1], rows = x.Size / c;
        fixed (float* px = x.Data, ps = scale.Data, pt = shift.Data, py = y.Data)
            BatchNormKernels.ScaleShift(px, rows, c, ps, pt, py);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormBackward(Tensor x, Tensor gy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? gx, Tensor? gGamma, Tensor? gBeta)
    {
        int c = x.Shape[^1], rows = x.Size / c;
        fixed (float* px = x.Data, pgy = gy.Data, pm = mean.Data, pi = invStd.Data, pg = gamma is null ? null : gamma.Data,
            pgx = gx is null ? null : gx.Data, pgg = gGamma is null ? null : gGamma.Data, pgb = gBeta is null ? null : gBeta.Data)
            BatchNormKernels.Backward(px, pgy, rows, c, pm, pi, pg, pgx, pgg, pgb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScaleShiftRelu(Tensor x, Tensor scale, Tensor shift, Tensor y)
    {
        int c = x.Shape[^1], rows = x.Size / c;
        fixed (float* px = x.Data, ps = scale.Data, pt = shift.Data, py = y.Data)
            BatchNormKernels.ScaleShift(px, rows, c, ps, pt, py, relu: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormReluBackward(Tensor x, Tensor gy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor scale, Tensor shift,
        Tensor? gx, Tensor? gGamma, Tensor? gBeta)
    {
        int c = x.Shape[^1], rows = x.Size / c;
        fixed (float* px = x.Data, pgy = gy.Data, pm = mean.Data, pi = invStd.Data, pg = gamma is null ? null : gamma.Data,
            pgx = gx is null ? null : gx.Data, pgg = gGamma is null ? null : gGamma.Data, pgb = gBeta is null ? null : gBeta.Data,
            ps = scale.Data, pt = shift.Data)
            BatchNormKernels.Backward(px, pgy, rows, c, pm, pi, pg, pgx, pgg, pgb, ps, pt);
    }
}
