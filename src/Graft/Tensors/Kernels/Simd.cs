using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>An element-wise function of one input, in vector and scalar form.</summary>
internal interface IUnaryKernel
{
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract float Invoke(float x);
}

/// <summary>
/// An element-wise function of one input with constants fixed per call (ELU's α), held in the
/// kernel value itself so that concurrent calls with different constants cannot see each other's.
/// </summary>
internal interface IUnaryKernelWithConstants
{
    Vector256<float> Invoke(Vector256<float> x);
    Vector128<float> Invoke(Vector128<float> x);
    float Invoke(float x);
}

/// <summary>An element-wise function of two inputs, in vector and scalar form.</summary>
internal interface IBinaryKernel
{
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    static abstract Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    static abstract float Invoke(float a, float b);
}

/// <summary>An element-wise function of three inputs, in vector and scalar form.</summary>
internal interface ITernaryKernel
{
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b, Vector256<float> c);
    static abstract Vector128<float> Invoke(Vector128<float> a, Vector128<float> b, Vector128<float> c);
    static abstract float Invoke(float a, float b, float c);
}

/// <summary>
/// Branch-free SIMD loops for the element-wise rules that <c>TensorPrimitives</c> lacks
/// (activation derivatives, selects). Data-dependent branches cost a misprediction per element
/// on random signs (~5 ns); these use masks and blends instead. The generic struct kernels are
/// specialised and inlined by the JIT.
/// </summary>
/// <remarks>
/// Each loop runs 8 lanes where 256-bit vectors are accelerated and 4 where only 128-bit ones are
/// (ARM64, x86 without AVX): there an emulated 256-bit vector costs more than plain scalar code.
/// Passing <c>wide: false</c> picks the 4-lane loops on any machine, so tests can check them.
/// </remarks>
internal static class Simd
{
    // 4-lane loops when 8-lane vectors are not accelerated; emulated 128-bit vectors would be no faster than scalar code.
    private static bool Narrow => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T>(ReadOnlySpan<float> x, Span<float> y, bool? wide = null) where T : IUnaryKernel
    {
        ref float px = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float py = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (wide ?? Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                T.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        else if (Narrow)
            for (; i <= n - 4; i += 4)
                T.Invoke(Vector128.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref py, i) = T.Invoke(Unsafe.Add(ref px, i));
    }

    /// <summary>y = kernel(x); the struct kernel is passed by value, so the JIT specialises and inlines it as for static kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T>(ReadOnlySpan<float> x, Span<float> y, T kernel, bool? wide = null) where T : struct, IUnaryKernelWithConstants
    {
        ref float px = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float py = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (wide ?? Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                kernel.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        else if (Narrow)
            for (; i <= n - 4; i += 4)
                kernel.Invoke(Vector128.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref py, i) = kernel.Invoke(Unsafe.Add(ref px, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, bool? wide = null) where T : IBinaryKernel
    {
        ref float pa = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float pb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        ref float py = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int n = a.Length, i = 0;
        if (wide ?? Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                T.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        else if (Narrow)
            for (; i <= n - 4; i += 4)
                T.Invoke(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref py, i) = T.Invoke(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> y, bool? wide = null) where T : ITernaryKernel
    {
        ref float pa = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float pb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        ref float pc = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(c);
        ref float py = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int n = a.Length, i = 0;
        if (wide ?? Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                T.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), Vector256.LoadUnsafe(ref pc, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        else if (Narrow)
            for (; i <= n - 4; i += 4)
                T.Invoke(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i), Vector128.LoadUnsafe(ref pc, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref py, i) = T.Invoke(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i), Unsafe.Add(ref pc, i));
    }
}
