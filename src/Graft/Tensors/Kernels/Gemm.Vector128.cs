using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

// The micro-kernel for 128-bit vectors: ARM64 (NEON) and x86 without AVX.
internal static unsafe partial class Gemm
{
    // 6×8 = 12 xmm accumulators + 2 B vectors + 1 broadcast + 1 product: the 16 registers of
    // x86 without AVX, where there is no FMA and each multiply-add needs a temporary. ARM64 has
    // 32 vector registers and a fused multiply-add, so this shape leaves it room to spare.
    private const int MR128 = 6;
    private const int NR128 = 8;

    /// <summary>
    /// The 6×8 micro-kernel on packed panels (A: 6 floats per step, B: 8), fused multiply-adds
    /// where the hardware has them (ARM64, x86 with FMA), a multiply then an add elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel128(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b); var b1 = Vector128.Load(b + 4);
            Vector128<float> x;
            x = Vector128.Create(a[0]); c00 = Vector128.MultiplyAddEstimate(x, b0, c00); c01 = Vector128.MultiplyAddEstimate(x, b1, c01);
            x = Vector128.Create(a[1]); c10 = Vector128.MultiplyAddEstimate(x, b0, c10); c11 = Vector128.MultiplyAddEstimate(x, b1, c11);
            x = Vector128.Create(a[2]); c20 = Vector128.MultiplyAddEstimate(x, b0, c20); c21 = Vector128.MultiplyAddEstimate(x, b1, c21);
            x = Vector128.Create(a[3]); c30 = Vector128.MultiplyAddEstimate(x, b0, c30); c31 = Vector128.MultiplyAddEstimate(x, b1, c31);
            x = Vector128.Create(a[4]); c40 = Vector128.MultiplyAddEstimate(x, b0, c40); c41 = Vector128.MultiplyAddEstimate(x, b1, c41);
            x = Vector128.Create(a[5]); c50 = Vector128.MultiplyAddEstimate(x, b0, c50); c51 = Vector128.MultiplyAddEstimate(x, b1, c51);
            a += 6; b += 8;
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, Vector128<float> v0, Vector128<float> v1, bool add)
    {
        if (add) { v0 += Vector128.Load(c); v1 += Vector128.Load(c + 4); }
        v0.Store(c); v1.Store(c + 4);
    }
}
