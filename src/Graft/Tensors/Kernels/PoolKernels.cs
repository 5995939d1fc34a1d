using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>Channel-vectorized pieces of max-pooling's backward pass.</summary>
internal static unsafe class PoolKernels
{
    /// <summary>256-bit vectors when the JIT accelerates them, else 128-bit ones (ARM64, x86 without AVX).</summary>
    private static readonly bool Wide = Vector256.IsHardwareAccelerated;

    /// <summary>Like <see cref="RouteMax(float*, float*, float*, float*, float*, int)"/> for a cell no other window covers: writes gx instead of adding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteMax(float* x, float* y, float* gy, float* taken, float* gx, int n) => Route(x, y, gy, taken, gx, n, add: false, Wide);

    /// <summary>
    /// For one window cell: where x equals the window's max y and no earlier cell took it, add gy
    /// to gx and mark it taken (the first maximum wins, as in TensorFlow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RouteMax(float* x, float* y, float* gy, float* taken, float* gx, int n) => Route(x, y, gy, taken, gx, n, add: true, Wide);

    /// <summary>
    /// <see cref="RouteMax"/> (<paramref name="add"/>) or <see cref="WriteMax"/> with 256-bit
    /// (<paramref name="wide"/>) or 128-bit vectors: tests run both widths on any CPU.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Route(float* x, float* y, float* gy, float* taken, float* gx, int n, bool add, bool wide)
    {
        int i = 0;
        if (wide)
        {
            for (; i <= n - 8; i += 8)
            {
                var t = Vector256.Load(taken + i);
                var hit = Vector256.Equals(Vector256.Load(x + i), Vector256.Load(y + i)) & Vector256.Equals(t, Vector256<float>.Zero);
                var routed = Vector256.Load(gy + i) & hit;
                (add ? Vector256.Load(gx + i) + routed : routed).Store(gx + i);
                (t | (Vector256<float>.One & hit)).Store(taken + i);
            }
        }
        else
        {
            for (; i <= n - 4; i += 4)
            {
                var t = Vector128.Load(taken + i);
                var hit = Vector128.Equals(Vector128.Load(x + i), Vector128.Load(y + i)) & Vector128.Equals(t, Vector128<float>.Zero);
                var routed = Vector128.Load(gy + i) & hit;
                (add ? Vector128.Load(gx + i) + routed : routed).Store(gx + i);
                (t | (Vector128<float>.One & hit)).Store(taken + i);
            }
        }
        for (; i < n; i++)
        {
            bool hit = x[i] == y[i] && taken[i] == 0f;
            if (add) { if (hit) gx[i] += gy[i]; }
            else gx[i] = hit ? gy[i] : 0f;
            if (hit) taken[i] = 1f;
        }
    }
}
