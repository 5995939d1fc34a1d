using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Direct convolution for inputs with very few channels (a grayscale or RGB first layer): with
/// C ≤ 4 the im2col matrix has only KH·KW·C columns, too few for a GEMM to run well, so each output
/// pixel accumulates its Cout-vector straight from the taps instead (vectorized over Cout). In
/// training the im2col + GEMM path is kept: its patch matrix serves the kernel gradient too, which
/// measured faster overall.
/// </summary>
internal static unsafe class DirectConv
{
    public const int MaxChannels = 4;

    public static bool Applies(int cin, int cout, int groups) => groups == 1 && cin <= MaxChannels && cout % 8 == 0 && cout <= 512;

    /// <summary>y[n, oh, ow, :] = epilogue(Σ_taps x[n, ih, iw, c] · k[kh, kw, c, :]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* x, float* k, float* y, Backends.Conv2DGeometry g, int cout, Epilogue ep)
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
                        // Blocks of 32 output channels live in four registers across all taps.
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
                        ep.Apply(dst, 0, cout);
                    }
        });
    }
}
