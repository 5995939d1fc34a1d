using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend
{
    // Keras's SELU constants (keras/src/activations/activations.py, from Klambauer et al. 2017).
    internal const float SeluAlpha = 1.67326324f, SeluScale = 1.05070098f;
    private const float Sqrt2OverPi = 0.7978845608028654f, GeluCoeff = 0.044715f;
    private const float InvSqrt2 = 0.7071067811865476f, InvSqrt2Pi = 0.3989422804014327f;

    // Element-wise passes over large tensors are shared between the kernel threads, a contiguous
    // range each: every element is still computed by one thread with the same code, so the results
    // do not depend on the split. Below two chunks a pass (~10 µs per chunk, memory-bound) is not
    // worth waking the team for.
    private const int ElementwiseChunk = 1 << 15;

    internal static int ElementwiseParts(int n) => n < 2 * ElementwiseChunk ? 1 : Math.Min(WorkerPool.Threads, n / ElementwiseChunk);

    /// <summary>Part <paramref name="p"/> of <paramref name="n"/> elements in <paramref name="parts"/>: bounds on 64-float multiples, so every part but the last is whole vectors.</summary>
    internal static (int Start, int Length) ElementwisePart(int n, int parts, int p)
    {
        int start = (int)((long)n * p / parts) & ~63, end = p == parts - 1 ? n : (int)((long)n * (p + 1) / parts) & ~63;
        return (start, end - start);
    }

    /// <summary>Runs body(start, length) over [0, n): whole, or in one contiguous range per kernel thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Elementwise(int n, Action<int, int> body)
    {
        int parts = ElementwiseParts(n);
        if (parts == 1) { body(0, n); return; }
        WorkerPool.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (p) =>
        {
            var (start, length) = ElementwisePart(n, parts, p);
            body(start, length);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Unary(UnaryOp op, Tensor xt, Tensor yt, float a = 0, float b = 0)
    {
        float[] x = xt.Data, y = yt.Data;
        if (ElementwiseParts(y.Length) == 1) UnarySpan(op, x, y, a, b);
        else UnaryShared(op, x, y, a, b);
    }

    // Apart from the callers so that their serial path allocates no closure.
    private static void UnaryShared(UnaryOp op, float[] x, float[] y, float a, float b) =>
        Elementwise(y.Length, (start, length) => UnarySpan(op, x.AsSpan(start, length), y.AsSpan(start, length), a, b));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnarySpan(UnaryOp op, ReadOnlySpan<float> x, Span<float> y, float a, float b)
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, y); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, y); break;
            case UnaryOp.Reciprocal: TensorPrimitives.Divide(1f, x, y); break;
            case UnaryOp.Sign: for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? 1f : x[i] < 0 ? -1f : 0f; break;
            case UnaryOp.Relu:
                if (a == 0f) TensorPrimitives.Max(x, 0f, y);
                else for (int i = 0; i < x.Length; i++) y[i] = x[i] >= 0 ? x[i] : a * x[i];
                if (!float.IsNaN(b)) TensorPrimitives.Min(y, b, y);
                break;
            case UnaryOp.Elu: Simd.Map(x, y, new EluForward(a)); break;
            case UnaryOp.Selu: Simd.Map<SeluForward>(x, y); break;
            case UnaryOp.Gelu:
                for (int i = 0; i < x.Length; i++) y[i] = 0.5f * x[i] * (1f + Erf(x[i] * InvSqrt2));
                break;
            case UnaryOp.GeluTanh:
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = 0.5f * v * (1f + MathF.Tanh(Sqrt2OverPi * (v + GeluCoeff * v * v * v))); }
                break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryOp.HardSigmoid:
                // clip(a·x + b, 0, 1): Keras 3 uses a = 1/6 (relu6(x + 3) / 6), Keras 1 and 2 used a = 0.2.
                TensorPrimitives.Multiply(x, a, y); TensorPrimitives.Add(y, b, y); TensorPrimitives.Max(y, 0f, y); TensorPrimitives.Min(y, 1f, y);
                break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(x, y); break;
            case UnaryOp.Softplus:
                // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows.
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = MathF.Max(v, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(v))); }
                break;
            case UnaryOp.Softsign: for (int i = 0; i < x.Length; i++) y[i] = x[i] / (1f + MathF.Abs(x[i])); break;
            case UnaryOp.Silu: TensorPrimitives.Sigmoid(x, y); TensorPrimitives.Multiply(x, y, y); break;
            case UnaryOp.Clip: TensorPrimitives.Max(x, a, y); TensorPrimitives.Min(y, b, y); break;
            case UnaryOp.PowScalar:
                if (a == 2f) TensorPrimitives.Multiply(x, x, y);
                else TensorPrimitives.Pow(x, a, y);
                break;
            case UnaryOp.AddScalar: TensorPrimitives.Add(x, a, y); break;
            case UnaryOp.MulScalar: TensorPrimitives.Multiply(x, a, y); break;
            default: throw new NotSupportedException($"CpuBackend.Unary: {op}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void UnaryBackward(UnaryOp op, Tensor xt, Tensor yt, Tensor gyt, Tensor gxt, float a = 0, float b = 0)
    {
        float[] x = xt.Data, y = yt.Data, gy = gyt.Data, gx = gxt.Data;
        if (ElementwiseParts(gx.Length) == 1) UnarySpanBackward(op, x, y, gy, gx, a, b);
        else UnaryBackwardShared(op, x, y, gy, gx, a, b);
    }

    private static void UnaryBackwardShared(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, float a, float b) =>
        Elementwise(gx.Length, (start, length) =>
            UnarySpanBackward(op, Slice(x, start, length), Slice(y, start, length), gy.AsSpan(start, length), gx.AsSpan(start, length), a, b));

    // Rules that do not read x (or y) may be handed an empty one.
    private static ReadOnlySpan<float> Slice(float[] v, int start, int length) => v.Length == 0 ? default : v.AsSpan(start, length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnarySpanBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, float a, float b)
    {
        int n = gx.Length;
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(gy, gx); break;
            case UnaryOp.Abs: for (int i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : x[i] < 0 ? -gy[i] : 0f; break;
            case UnaryOp.Exp: TensorPrimitives.Multiply(gy, y, gx); break;            // (e^x)' = e^x
            case UnaryOp.Log: TensorPrimitives.Divide(gy, x, gx); break;              // (ln x)' = 1/x
            case UnaryOp.Sqrt: for (int i = 0; i < n; i++) gx[i] = gy[i] * 0.5f / y[i]; break; // 1/(2√x)
            case UnaryOp.Square: for (int i = 0; i < n; i++) gx[i] = gy[i] * 2f * x[i]; break;
            case UnaryOp.Reciprocal: for (int i = 0; i < n; i++) gx[i] = -gy[i] * y[i] * y[i]; break; // -1/x²
            case UnaryOp.Sign: gx.Clear(); break;
            case UnaryOp.Relu when a == 0f && float.IsNaN(b):
                Simd.Map<ReluBackward>(x, gy, gx);
                break;
            case UnaryOp.Relu:
                // slope a below 0, 1 above, 0 at or beyond the cap b.
                for (int i = 0; i < n; i++)
                {
                    float d = x[i] > 0 ? 1f : a;
                    if (!float.IsNaN(b) && x[i] >= b) d = 0f;
                    gx[i] = gy[i] * d;
                }
                break;
            case UnaryOp.Elu: for (int i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : gy[i] * (y[i] + a); break; // a·e^x = y + a
            case UnaryOp.Selu: Simd.Map<SeluBackward>(x, y, gy, gx); break;
            case UnaryOp.Gelu:
                // Φ(x) + x·φ(x)
                for (int i = 0; i < n; i++) { float v = x[i]; gx[i] = gy[i] * (0.5f * (1f + Erf(v * InvSqrt2)) + v * InvSqrt2Pi * MathF.Exp(-0.5f * v * v)); }
                break;
            case UnaryOp.GeluTanh:
                for (int i = 0; i < n; i++)
                {
                    float v = x[i], t = MathF.Tanh(Sqrt2OverPi * (v + GeluCoeff * v * v * v));
                    gx[i] = gy[i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * Sqrt2OverPi * (1f + 3f * GeluCoeff * v * v));
                }
                break;
            case UnaryOp.Sigmoid: Simd.Map<SigmoidBackward>(y, gy, gx); break; // σ(1-σ)
            case UnaryOp.HardSigmoid: for (int i = 0; i < n; i++) { float v = a * x[i] + b; gx[i] = v > 0f && v < 1f ? gy[i] * a : 0f; } break;
            case UnaryOp.Tanh: Simd.Map<TanhBackward>(y, gy, gx); break;    // 1 - tanh²
            case UnaryOp.Softplus: for (int i = 0; i < n; i++) gx[i] = gy[i] / (1f + MathF.Exp(-x[i])); break; // σ(x)
            case UnaryOp.Softsign: for (int i = 0; i < n; i++) { float d = 1f + MathF.Abs(x[i]); gx[i] = gy[i] / (d * d); } break;
            case UnaryOp.Silu:
                // (xσ)' = σ + xσ(1-σ)
                for (int i = 0; i < n; i++) { float s = 1f / (1f + MathF.Exp(-x[i])); gx[i] = gy[i] * (s + x[i] * s * (1f - s)); }
                break;
            case UnaryOp.Clip: for (int i = 0; i < n; i++) gx[i] = x[i] >= a && x[i] <= b ? gy[i] : 0f; break;
            case UnaryOp.PowScalar: for (int i = 0; i < n; i++) gx[i] = gy[i] * a * MathF.Pow(x[i], a - 1f); break;
            case UnaryOp.AddScalar: gy.CopyTo(gx); break;
            case UnaryOp.MulScalar: TensorPrimitives.Multiply(gy, a, gx); break;
            default: throw new NotSupportedException($"CpuBackend.UnaryBackward: {op}");
        }
    }

    /// <summary>
    /// The error function, |error| below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough
    /// for float32; .NET has no Math.Erf.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Erf(float xf)
    {
        double x = xf, z = Math.Abs(x), t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return (float)(x >= 0 ? 1.0 - r : r - 1.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Binary(BinaryOp op, Tensor at, Tensor bt, Tensor yt)
    {
        float[] a = at.Data, b = bt.Data, y = yt.Data;
        bool same = at.Shape == bt.Shape, right = !same && b.Length == 1 && at.Shape == yt.Shape, left = !same && !right && a.Length == 1 && bt.Shape == yt.Shape;
        if ((same || right || left) && ElementwiseParts(y.Length) > 1) { BinaryShared(op, a, b, y, same, right); return; }
        if (same) { BinarySpan(op, a, b, y); return; }
        if (right) { BinaryScalarRight(op, a, b[0], y); return; }
        if (left) { BinaryScalarLeft(op, a[0], b, y); return; }

        var outDims = yt.Shape.Dims;
        var (dims, s) = Coalesce(outDims, BroadcastStrides(at.Shape, outDims), BroadcastStrides(bt.Shape, outDims), yt.Shape.Strides());
        int inner = dims[^1], sa = s[0][^1], sb = s[1][^1];
        ForEachRow(dims, s, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (off) =>
        {
            var ys = y.AsSpan(off[2], inner);
            if (sa == 1 && sb == 1) BinarySpan(op, a.AsSpan(off[0], inner), b.AsSpan(off[1], inner), ys);
            else if (sa == 1 && sb == 0) BinaryScalarRight(op, a.AsSpan(off[0], inner), b[off[1]], ys);
            else if (sa == 0 && sb == 1) BinaryScalarLeft(op, a[off[0]], b.AsSpan(off[1], inner), ys);
            else { float v = Apply(op, a[off[0]], b[off[1]]); ys.Fill(v); }
        });
    }

    /// <summary>A same-shape or scalar-operand <see cref="Binary"/> over a large y, one range per kernel thread.</summary>
    private static void BinaryShared(BinaryOp op, float[] a, float[] b, float[] y, bool same, bool right) =>
        Elementwise(y.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, length) =>
        {
            var ys = y.AsSpan(start, length);
            if (same) BinarySpan(op, a.AsSpan(start, length), b.AsSpan(start, length), ys);
            else if (right) BinaryScalarRight(op, a.AsSpan(start, length), b[0], ys);
            else BinaryScalarLeft(op, a[0], b.AsSpan(start, length), ys);
        });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => MathF.Pow(a, b),
        BinaryOp.Maximum => MathF.Max(a, b),
        BinaryOp.Minimum => MathF.Min(a, b),
        BinaryOp.Greater => a > b ? 1f : 0f,
        BinaryOp.GreaterEqual => a >= b ? 1f : 0f,
        BinaryOp.Less => a < b ? 1f : 0f,
        BinaryOp.LessEqual => a <= b ? 1f : 0f,
        BinaryOp.Equal => a == b ? 1f : 0f,
        BinaryOp.NotEqual => a != b ? 1f : 0f,
        _ => throw new NotSupportedException($"CpuBackend.Binary: {op}"),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinarySpan(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default: for (int i = 0; i < y.Length; i++) y[i] = Apply(op, a[i], b[i]); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default: for (int i = 0; i < y.Length; i++) y[i] = Apply(op, a[i], b); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryScalarLeft(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(b, a, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            default: for (int i = 0; i < y.Length; i++) y[i] = Apply(op, a, b[i]); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Where(Tensor c, Tensor a, Tensor b, Tensor y)
    {
        var outDims = y.Shape.Dims;
        var (dims, s) = Coalesce(outDims, BroadcastStrides(c.Shape, outDims), BroadcastStrides(a.Shape, outDims),
            BroadcastStrides(b.Shape, outDims), y.Shape.Strides());
        float[] cd = c.Data, ad = a.Data, bd = b.Data, yd = y.Data;
        int inner = dims[^1], sc = s[0][^1], sa = s[1][^1], sb = s[2][^1];
        ForEachRow(dims, s, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (off) =>
        {
            for (int i = 0; i < inner; i++)
                yd[off[3] + i] = cd[off[0] + i * sc] != 0f ? ad[off[1] + i * sa] : bd[off[2] + i * sb];
        });
    }
}
