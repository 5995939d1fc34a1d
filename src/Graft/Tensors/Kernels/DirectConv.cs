using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Direct convolution for small windows over very few channels (a 3×3 grayscale or RGB first
/// layer): with C ≤ 4 and at most 32 taps × channels the im2col matrix has too few columns for a GEMM
/// to run well, so each output pixel accumulates its Cout-vector straight from the taps instead
/// (vectorized over Cout). A large window over few channels (ResNet's 7×7 RGB stem, 147 columns) goes
/// to the GEMM: measured on the AVX-512 machine, this loop reached 3 GFLOPS there, several times
/// slower than the blocked im2col + GEMM. Training takes this path too: the kernel gradient gathers
/// its own patches (27 columns for a 3×3 RGB window) in the backward pass.
/// </summary>
internal static unsafe class DirectConv
{
    public const int MaxChannels = 4;
    private const int MaxColumns = 32;

    /// <summary>256-bit vectors when the JIT accelerates them, else 128-bit ones (ARM64, x86 without AVX).</summary>
    private static readonly bool Wide = Vector256.IsHardwareAccelerated;

    public static bool Applies(int cin, int cout, int groups, int taps) =>
        groups == 1 && cin <= MaxChannels && taps * cin <= MaxColumns && cout % 8 == 0 && cout <= 512;

    /// <summary>y[n, oh, ow, :] = epilogue(Σ_taps x[n, ih, iw, c] · k[kh, kw, c, :]).</summary>
    public static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep) =>
        Forward(x, k, y, g, cout, ep, Wide);

    /// <summary>As above with 256-bit (<paramref name="wide"/>) or 128-bit vectors: tests run both on any CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep, bool wide)
    {
        // Images are shared between threads; each output is one thread's sum: any split gives the same bits.
        int parts = (long)g.N * g.OH * g.OW * cout > 1 << 15 ? WorkerPool.Threads : 1;
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
        {
            for (int n = g.N * part / parts; n < g.N * (part + 1) / parts; n++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        float* dst = y + (((long)n * g.OH + oh) * g.OW + ow) * cout;
                        if (wide) Pixel256(x, k, dst, g, n, oh, ow, cout);
                        else Pixel128(x, k, dst, g, n, oh, ow, cout);
                        ep.Apply(dst, 0, cout);
                    }
        });
    }

    /// <summary>One output pixel, blocks of 32 output channels in four 256-bit registers across all taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel256(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow, int cout)
    {
        for (int j0 = 0; j0 < cout; j0 += 32)
        {
            int width = Math.Min(32, cout - j0);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)iw >= (uint)g.W) continue;
                    float* xp = x + (((long)n * g.H + ih) * g.W + iw) * g.C;
                    float* kp = k + (long)(kh * g.KW + kw) * g.C * cout + j0;
                    for (int c = 0; c < g.C; c++)
                    {
                        var v = Vector256.Create(xp[c]);
                        float* kr = kp + c * cout;
                        a0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr), a0);
                        if (width > 8) a1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 8), a1);
                        if (width > 16) a2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 16), a2);
                        if (width > 24) a3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(kr + 24), a3);
                    }
                }
            }
            a0.Store(dst + j0);
            if (width > 8) a1.Store(dst + j0 + 8);
            if (width > 16) a2.Store(dst + j0 + 16);
            if (width > 24) a3.Store(dst + j0 + 24);
        }
    }

    /// <summary>
    /// One output pixel with 128-bit vectors: blocks of 16 output channels in four registers, a fused
    /// multiply-add where the hardware has one (ARM64, x86 with FMA).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel128(float* x, float* k, float* dst, in Backends.Conv2DGeometry g, int n, int oh, int ow, int cout)
    {
        for (int j0 = 0; j0 < cout; j0 += 16)
        {
            int width = Math.Min(16, cout - j0);
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)iw >= (uint)g.W) continue;
                    float* xp = x + (((long)n * g.H + ih) * g.W + iw) * g.C;
                    float* kp = k + (long)(kh * g.KW + kw) * g.C * cout + j0;
                    for (int c = 0; c < g.C; c++)
                    {
                        var v = Vector128.Create(xp[c]);
                        float* kr = kp + c * cout;
                        a0 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr), a0);
                        a1 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 4), a1);
                        if (width > 8)
                        {
                            a2 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 8), a2);
                            a3 = Vector128.MultiplyAddEstimate(v, Vector128.Load(kr + 12), a3);
                        }
                    }
                }
            }
            a0.Store(dst + j0); a1.Store(dst + j0 + 4);
            if (width > 8) { a2.Store(dst + j0 + 8); a3.Store(dst + j0 + 12); }
        }
    }
}
