using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>Channel-vectorized pieces of max-pooling's backward pass.</summary>
internal static unsafe class PoolKernels
{
    /// <summary>Like <see cref="RouteMax(float*, float*, float*, float*, float*, int)"/> for a cell no other window covers: writes gx instead of adding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteMax(float* x, float* y, float* gy, float* taken, float* gx, int n)
    {
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var t = Vector256.Load(taken + i);
            var hit = Vector256.Equals(Vector256.Load(x + i), Vector256.Load(y + i)) & Vector256.Equals(t, Vector256<float>.Zero);
            (Vector256.Load(gy + i) & hit).Store(gx + i);
            (t | (Vector256<float>.One & hit)).Store(taken + i);
        }
        for (; i < n; i++)
        {
            bool hit = x[i] == y[i] && taken[i] == 0f;
            gx[i] = hit ? gy[i] : 0f;
            if (hit) taken[i] = 1f;
        }
    }

    /// <summary>The pointer form of <see cref="RouteMax(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>, for the hot loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RouteMax(float* x, float* y, float* gy, float* taken, float* gx, int n)
    {
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var t = Vector256.Load(taken + i);
            var hit = Vector256.Equals(Vector256.Load(x + i), Vector256.Load(y + i)) & Vector256.Equals(t, Vector256<float>.Zero);
            (Vector256.Load(gx + i) + (Vector256.Load(gy + i) & hit)).Store(gx + i);
            (t | (Vector256<float>.One & hit)).Store(taken + i);
        }
        for (; i < n; i++)
            if (x[i] == y[i] && taken[i] == 0f) { gx[i] += gy[i]; taken[i] = 1f; }
    }

    /// <summary>
    /// For one window cell: where x equals the window's max y and no earlier cell took it, add gy
    /// to gx and mark it taken (the first maximum wins, as in TensorFlow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RouteMax(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> taken, Span<float> gx)
    {
        ref float px = ref MemoryMarshal.GetReference(x), py = ref MemoryMarshal.GetReference(y), pg = ref MemoryMarshal.GetReference(gy);
        ref float pt = ref MemoryMarshal.GetReference(taken), po = ref MemoryMarshal.GetReference(gx);
        int n = x.Length, i = 0;
        for (; i <= n - 8; i += 8)
        {
            var hit = Vector256.Equals(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i))
                      & Vector256.Equals(Vector256.LoadUnsafe(ref pt, (nuint)i), Vector256<float>.Zero);
            (Vector256.LoadUnsafe(ref po, (nuint)i) + (Vector256.LoadUnsafe(ref pg, (nuint)i) & hit)).StoreUnsafe(ref po, (nuint)i);
            (Vector256.LoadUnsafe(ref pt, (nuint)i) | (Vector256<float>.One & hit)).StoreUnsafe(ref pt, (nuint)i);
        }
        for (; i < n; i++)
            if (Unsafe.Add(ref px, i) == Unsafe.Add(ref py, i) && Unsafe.Add(ref pt, i) == 0f)
            {
                Unsafe.Add(ref po, i) += Unsafe.Add(ref pg, i);
                Unsafe.Add(ref pt, i) = 1f;
            }
    }
}
