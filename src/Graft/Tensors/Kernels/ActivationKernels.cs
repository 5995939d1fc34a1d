using System.Runtime.Intrinsics;
using static Graft.Tensors.Backends.CpuBackend;

namespace Graft.Tensors.Kernels;

// Forward rules take (x, e^min(x,0)) where an exponential is needed; backward rules take
// (x or y, gy). Each line states the derivative it implements.

/// <summary>SELU in one pass: scale·x for x &gt; 0, else scale·α·(e^x − 1).</summary>
internal readonly struct SeluForward : IUnaryKernel
{
    public static Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x * SeluScale,
            (SimdMath.Exp(Vector256.Min(x, Vector256<float>.Zero)) - Vector256<float>.One) * (SeluScale * SeluAlpha));
    public static Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x * SeluScale,
            (SimdMath.Exp(Vector128.Min(x, Vector128<float>.Zero)) - Vector128<float>.One) * (SeluScale * SeluAlpha));
    public static float Invoke(float x) => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (MathF.Exp(x) - 1f);
}

/// <summary>ELU in one pass: x for x &gt; 0, else α(e^x − 1); α is the layer's, carried by the kernel value.</summary>
internal readonly struct EluForward(float alpha) : IUnaryKernelWithConstants
{
    private readonly Vector256<float> _alpha = Vector256.Create(alpha);
    private readonly Vector128<float> _alpha128 = Vector128.Create(alpha);
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x,
            (SimdMath.Exp(Vector256.Min(x, Vector256<float>.Zero)) - Vector256<float>.One) * _alpha);
    public Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x,
            (SimdMath.Exp(Vector128.Min(x, Vector128<float>.Zero)) - Vector128<float>.One) * _alpha128);
    public float Invoke(float x) => x > 0 ? x : alpha * (MathF.Exp(x) - 1f);
}

/// <summary>d SELU = gy·scale for x &gt; 0, else gy·(y + scale·α).</summary>
internal readonly struct SeluBackward : ITernaryKernel
{
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> gy) =>
        gy * Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256.Create(SeluScale), y + Vector256.Create(SeluScale * SeluAlpha));
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> gy) =>
        gy * Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128.Create(SeluScale), y + Vector128.Create(SeluScale * SeluAlpha));
    public static float Invoke(float x, float y, float gy) => gy * (x > 0 ? SeluScale : y + SeluScale * SeluAlpha);
}

/// <summary>d relu = gy for x &gt; 0, else 0.</summary>
internal readonly struct ReluBackward : IBinaryKernel
{
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> gy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), gy, Vector256<float>.Zero);
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> gy) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), gy, Vector128<float>.Zero);
    public static float Invoke(float x, float gy) => x > 0 ? gy : 0f;
}

/// <summary>d σ = gy·y·(1 − y).</summary>
internal readonly struct SigmoidBackward : IBinaryKernel
{
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> gy) => gy * y * (Vector256<float>.One - y);
    public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> gy) => gy * y * (Vector128<float>.One - y);
    public static float Invoke(float y, float gy) => gy * y * (1f - y);
}

/// <summary>d tanh = gy·(1 − y²).</summary>
internal readonly struct TanhBackward : IBinaryKernel
{
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> gy) => gy * (Vector256<float>.One - y * y);
    public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> gy) => gy * (Vector128<float>.One - y * y);
    public static float Invoke(float y, float gy) => gy * (1f - y * y);
}
