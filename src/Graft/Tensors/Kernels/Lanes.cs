using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// A vector of float lanes for kernels that apply the same small linear map to every channel (the
/// Winograd transforms, one channel per lane), written once over this interface and specialised by
/// the JIT for each width: 16, 8 and 4 lanes where the hardware has them, and 1 for the remainder.
/// </summary>
internal unsafe interface ILanes<TSelf> where TSelf : unmanaged, ILanes<TSelf>
{
    static abstract int Count { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf Load(float* p);
    static abstract void Store(TSelf v, float* p);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, float s);
}

/// <summary>16 lanes (AVX-512).</summary>
internal readonly unsafe struct Lanes16(Vector512<float> v) : ILanes<Lanes16>
{
    private readonly Vector512<float> _v = v;
    public static int Count => 16;
    public static Lanes16 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Load(float* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes16 v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator +(Lanes16 a, Lanes16 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator -(Lanes16 a, Lanes16 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator *(Lanes16 a, float s) => new(a._v * s);
}

/// <summary>8 lanes (AVX2).</summary>
internal readonly unsafe struct Lanes8(Vector256<float> v) : ILanes<Lanes8>
{
    private readonly Vector256<float> _v = v;
    public static int Count => 8;
    public static Lanes8 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Load(float* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes8 v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator +(Lanes8 a, Lanes8 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator -(Lanes8 a, Lanes8 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator *(Lanes8 a, float s) => new(a._v * s);
}

/// <summary>4 lanes (NEON on ARM64, SSE).</summary>
internal readonly unsafe struct Lanes4(Vector128<float> v) : ILanes<Lanes4>
{
    private readonly Vector128<float> _v = v;
    public static int Count => 4;
    public static Lanes4 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 Load(float* p) => new(Vector128.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes4 v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator +(Lanes4 a, Lanes4 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator -(Lanes4 a, Lanes4 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator *(Lanes4 a, float s) => new(a._v * s);
}

/// <summary>One lane: the channels left over after the widest vectors.</summary>
internal readonly unsafe struct Lanes1(float v) : ILanes<Lanes1>
{
    private readonly float _v = v;
    public static int Count => 1;
    public static Lanes1 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Load(float* p) => new(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes1 v, float* p) => *p = v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator +(Lanes1 a, Lanes1 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 a, Lanes1 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator *(Lanes1 a, float s) => new(a._v * s);
}
