using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Graft.Tensors.Backends;

/// <summary>Optimizer updates as single passes over each weight, the formulas of Keras 3's optimizers.</summary>
internal sealed partial class CpuBackend
{
    // Updates are element-wise and memory-bound: large weights are shared between the kernel threads
    // as the element-wise ops are (Elementwise); TensorPrimitives' vector and scalar paths round
    // alike, so where the ranges start never changes a weight.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SgdStep(Tensor wt, Tensor gt, Tensor? velocity, float lr, float momentum, bool nesterov)
    {
        float[] wa = wt.Data, ga = gt.Data;
        if (velocity is null)
        {
            Elementwise(wa.Length, (lo, n) => TensorPrimitives.MultiplyAdd(ga.AsSpan(lo, n), -lr, wa.AsSpan(lo, n), wa.AsSpan(lo, n)));
            return;
        }
        float[] ma = velocity.Data;
        Elementwise(wa.Length, (lo, n) => SgdMomentum(wa.AsSpan(lo, n), ga.AsSpan(lo, n), ma.AsSpan(lo, n), lr, momentum, nesterov));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SgdRange(Tensor wt, Tensor? velocity, int start, ReadOnlySpan<float> gradient, float lr, float momentum, bool nesterov)
    {
        var w = wt.Data.AsSpan(start, gradient.Length);
        if (velocity is null) TensorPrimitives.MultiplyAdd(gradient, -lr, w, w);
        else SgdMomentum(w, gradient, velocity.Data.AsSpan(start, gradient.Length), lr, momentum, nesterov);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdMomentum(Span<float> w, ReadOnlySpan<float> g, Span<float> m, float lr, float momentum, bool nesterov)
    {
        // m = μ·m − lr·g;  w += m  (Nesterov: w += μ·m − lr·g), as whole-span SIMD passes.
        TensorPrimitives.Multiply(m, momentum, m);
        TensorPrimitives.MultiplyAdd(g, -lr, m, m);
        if (!nesterov) { TensorPrimitives.Add(w, m, w); return; }
        TensorPrimitives.MultiplyAdd(m, momentum, w, w);
        TensorPrimitives.MultiplyAdd(g, -lr, w, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AdamStep(Tensor wt, Tensor gt, Tensor mt, Tensor vt, Tensor? vHatT, float alpha, float beta1, float beta2, float epsilon)
    {
        float[] wa = wt.Data, ga = gt.Data, ma = mt.Data, va = vt.Data; float[]? vha = vHatT?.Data;
        Elementwise(wa.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (lo, n) => Adam(wa.AsSpan(lo, n), ga.AsSpan(lo, n), ma.AsSpan(lo, n), va.AsSpan(lo, n),
            vha is null ? default : vha.AsSpan(lo, n), vha is not null, alpha, beta1, beta2, epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vh, bool amsgrad, float alpha, float beta1, float beta2, float epsilon)
    {
        for (int i = 0; i < w.Length; i++)
        {
            // m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= α·m / (√v + ε)
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * (1f - beta1);
            float vi = v[i] + (gi * gi - v[i]) * (1f - beta2);
            m[i] = mi; v[i] = vi;
            if (amsgrad) { vi = MathF.Max(vh[i], vi); vh[i] = vi; }
            w[i] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void NadamStep(Tensor wt, Tensor gt, Tensor mt, Tensor vt, float lr, float beta1, float beta2, float epsilon,
        float uT, float uT1, float uProductT, float uProductT1, float beta2Power)
    {
        Span<float> w = wt.Data, m = mt.Data, v = vt.Data; ReadOnlySpan<float> g = gt.Data;
        for (int i = 0; i < w.Length; i++)
        {
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * (1f - beta1);
            float vi = v[i] + (gi * gi - v[i]) * (1f - beta2);
            m[i] = mi; v[i] = vi;
            float mHat = uT1 * mi / (1f - uProductT1) + (1f - uT) * gi / (1f - uProductT);
            float vHat = vi / (1f - beta2Power);
            w[i] -= mHat * lr / (MathF.Sqrt(vHat) + epsilon);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RmsPropStep(Tensor wt, Tensor gt, Tensor vt, Tensor? meanGrad, Tensor? momentumSlot, float lr, float rho, float momentum, float epsilon)
    {
        Span<float> w = wt.Data, v = vt.Data; ReadOnlySpan<float> g = gt.Data;
        Span<float> mg = meanGrad is null ? default : meanGrad.Data;
        Span<float> mo = momentumSlot is null ? default : momentumSlot.Data;
        for (int i = 0; i < w.Length; i++)
        {
            // v = ρv + (1−ρ)g²;  centered: denominator v − (mean g)²;  increment = lr·g / √(denominator + ε)
            float gi = g[i];
            float vi = rho * v[i] + (1f - rho) * gi * gi;
            v[i] = vi;
            float denominator = vi;
            if (meanGrad is not null)
            {
                float a = rho * mg[i] + (1f - rho) * gi;
                mg[i] = a;
                denominator = vi - a * a;
            }
            float increment = lr * gi / MathF.Sqrt(denominator + epsilon);
            if (momentumSlot is not null) { mo[i] = momentum * mo[i] + increment; w[i] -= mo[i]; }
            else w[i] -= increment;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AdagradStep(Tensor wt, Tensor gt, Tensor accumulator, float lr, float epsilon)
    {
        Span<float> w = wt.Data, a = accumulator.Data; ReadOnlySpan<float> g = gt.Data;
        for (int i = 0; i < w.Length; i++)
        {
            a[i] += g[i] * g[i];
            w[i] -= lr * g[i] / MathF.Sqrt(a[i] + epsilon);
        }
    }
}
