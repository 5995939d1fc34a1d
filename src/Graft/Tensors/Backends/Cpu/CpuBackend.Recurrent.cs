using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

/// <summary>
/// The LSTM recurrence as one kernel: per step one small GEMM (h·U) and the gate arithmetic over
/// contiguous rows, instead of a dozen autograd ops per step. Gate order is Keras's i, f, c, o.
/// </summary>
internal sealed unsafe partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LstmForward(Tensor p, Tensor u, Tensor? mask, Tensor? stepMask, bool goBackwards, Tensor h, Tensor c, Tensor gates)
    {
        int n = p.Shape[0], steps = p.Shape[1], units = u.Shape[0], width = 4 * units;
        var hm = mask is null ? null : new float[n * units];
        fixed (float* pp = p.Data, pu = u.Data, ph = h.Data, pc = c.Data, pg = gates.Data)
        fixed (float* pm = hm)
        {
            new Span<float>(ph, n * units).Clear();
            new Span<float>(pc, n * units).Clear();
            for (int s = 0; s < steps; s++)
            {
                int t = goBackwards ? steps - 1 - s : s;
                float* z = pg + (long)s * n * width, hPrev = ph + (long)s * n * units, cPrev = pc + (long)s * n * units;
                for (int r = 0; r < n; r++)
                    new ReadOnlySpan<float>(pp + ((long)r * steps + t) * width, width).CopyTo(new Span<float>(z + (long)r * width, width));
                float* hIn = hPrev;
                if (mask is not null) { TensorPrimitives.Multiply(new ReadOnlySpan<float>(hPrev, n * units), mask.Data, hm); hIn = pm; }
                Gemm.Multiply(n, width, units, hIn, units, 1, pu, width, 1, z, width, accumulate: true);
                float* hNext = ph + (long)(s + 1) * n * units, cNext = pc + (long)(s + 1) * n * units;
                for (int r = 0; r < n; r++)
                {
                    var zr = new Span<float>(z + (long)r * width, width);
                    TensorPrimitives.Sigmoid(zr[..(2 * units)], zr[..(2 * units)]);
                    TensorPrimitives.Tanh(zr.Slice(2 * units, units), zr.Slice(2 * units, units));
                    TensorPrimitives.Sigmoid(zr[(3 * units)..], zr[(3 * units)..]);
                    var cr = new Span<float>(cNext + (long)r * units, units);
                    var hr = new Span<float>(hNext + (long)r * units, units);
                    // c = f·c₋₁ + i·c̃ ;  h = o·tanh(c)
                    TensorPrimitives.Multiply(zr.Slice(units, units), new ReadOnlySpan<float>(cPrev + (long)r * units, units), cr);
                    TensorPrimitives.FusedMultiplyAdd(zr[..units], zr.Slice(2 * units, units), cr, cr);
                    TensorPrimitives.Tanh(cr, hr);
                    TensorPrimitives.Multiply(hr, zr[(3 * units)..], hr);
                    if (stepMask is not null && stepMask.Data[r * steps + t] == 0f)
                    {
                        // A padding step: the state goes through unchanged.
                        new ReadOnlySpan<float>(cPrev + (long)r * units, units).CopyTo(cr);
                        new ReadOnlySpan<float>(hPrev + (long)r * units, units).CopyTo(hr);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LstmBackward(Tensor u, Tensor? mask, Tensor? stepMask, bool goBackwards, Tensor h, Tensor c, Tensor gates, Tensor dh, Tensor? gp, Tensor? gu)
    {
        int steps = dh.Shape[0], n = dh.Shape[1], units = u.Shape[0], width = 4 * units;
        var dhCarry = new float[n * units];   // gradient reaching h from the next step
        var dc = new float[n * units];
        var dz = new float[n * width];
        var hm = mask is null ? null : new float[n * units];
        var tc = new float[units];
        var held = stepMask is null ? null : new float[n * units];   // carries of padding rows, kept across the GEMM
        fixed (float* pu = u.Data, ph = h.Data, pc = c.Data, pg = gates.Data, pdh = dh.Data, pcarry = dhCarry, pdz = dz, pm = hm)
        fixed (float* pgp = gp is null ? null : gp.Data, pgu = gu is null ? null : gu.Data)
        {
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = goBackwards ? steps - 1 - s : s;
                float* g = pg + (long)s * n * width;
                TensorPrimitives.Add(new ReadOnlySpan<float>(pdh + (long)s * n * units, n * units), dhCarry, dhCarry);
                for (int r = 0; r < n; r++)
                {
                    var gr = new ReadOnlySpan<float>(g + (long)r * width, width);
                    var i = gr[..units]; var f = gr.Slice(units, units); var cand = gr.Slice(2 * units, units); var o = gr[(3 * units)..];
                    var dhr = new Span<float>(pcarry + (long)r * units, units);
                    var dcr = dc.AsSpan(r * units, units);
                    var cPrev = new ReadOnlySpan<float>(pc + ((long)s * n + r) * units, units);
                    var dzr = dz.AsSpan(r * width, width);
                    if (held is not null && stepMask!.Data[r * steps + t] == 0f)
                    {
                        // h and c went through this step unchanged: their gradients go straight to the previous step.
                        dzr.Clear();
                        dhr.CopyTo(held.AsSpan(r * units, units));
                        continue;
                    }
                    TensorPrimitives.Tanh(new ReadOnlySpan<float>(pc + ((long)(s + 1) * n + r) * units, units), tc);
                    for (int j = 0; j < units; j++)
                    {
                        float tcj = tc[j], dhj = dhr[j];
                        float dcj = dcr[j] + dhj * o[j] * (1f - tcj * tcj);
                        float dO = dhj * tcj, dI = dcj * cand[j], dF = dcj * cPrev[j], dG = dcj * i[j];
                        dzr[j] = dI * i[j] * (1f - i[j]);
                        dzr[units + j] = dF * f[j] * (1f - f[j]);
                        dzr[2 * units + j] = dG * (1f - cand[j] * cand[j]);
                        dzr[3 * units + j] = dO * o[j] * (1f - o[j]);
                        dcr[j] = dcj * f[j];           // to the previous step's c
                    }
                    if (pgp is not null)
                    {
                        var dst = new Span<float>(pgp + ((long)r * steps + t) * width, width);
                        TensorPrimitives.Add(dst, dzr, dst);
                    }
                }
                float* hPrev = ph + (long)s * n * units, hIn = hPrev;
                if (mask is not null) { TensorPrimitives.Multiply(new ReadOnlySpan<float>(hPrev, n * units), mask.Data, hm); hIn = pm; }
                // dU += h₋₁ᵀ·dz ;  dh₋₁ = (dz·Uᵀ) ⊙ mask
                if (pgu is not null) Gemm.Multiply(units, width, n, hIn, 1, units, pdz, width, 1, pgu, width, accumulate: true);
                Gemm.Multiply(n, units, width, pdz, width, 1, pu, 1, width, pcarry, units, accumulate: false);
                if (mask is not null) TensorPrimitives.Multiply(dhCarry, mask.Data, dhCarry);
                if (held is not null)
                    for (int r = 0; r < n; r++)
                        if (stepMask!.Data[r * steps + t] == 0f) held.AsSpan(r * units, units).CopyTo(dhCarry.AsSpan(r * units, units));
            }
        }
    }
}
