using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Graft.Tensors.Backends.CpuBackend;

namespace Graft.Tensors.Kernels;

/// <summary>Activations a GEMM can apply while storing its output.</summary>
internal enum EpilogueActivation { None, Relu, Selu }

/// <summary>
/// What a GEMM does to each finished row segment of C: add a bias (indexed by column) and apply
/// an activation. The default value does nothing.
/// </summary>
internal readonly unsafe struct Epilogue(float* bias, EpilogueActivation activation)
{
    private readonly float* _bias = bias;
    private readonly EpilogueActivation _activation = activation;

    public bool IsActive => _bias != null || _activation != EpilogueActivation.None;

    /// <summary>The same epilogue for a block of C that starts <paramref name="columns"/> to the right.</summary>
    public Epilogue Shift(int columns) => _bias == null ? this : new Epilogue(_bias + columns, _activation);

    /// <summary>Applies to c[0..cols), the columns j0..j0+cols of this block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* c, int j0, int cols)
    {
        if (!IsActive) return;
        float* bias = _bias == null ? null : _bias + j0;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= cols - 16; j += 16)
            {
                var v = Vector512.Load(c + j);
                if (bias != null) v += Vector512.Load(bias + j);
                Activate(v).Store(c + j);
            }
        ApplyFrom(c, bias, j, cols, Vector128.IsHardwareAccelerated);
    }

    /// <summary>
    /// Applies to c[j..cols) (bias already offset to this block): 4 lanes at a time where
    /// <paramref name="narrow"/> (only 128-bit vectors on ARM64 and x86 without AVX, and the tail
    /// of the 16-lane loop elsewhere), then one element at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ApplyFrom(float* c, float* bias, int j, int cols, bool narrow)
    {
        if (narrow)
            for (; j <= cols - 4; j += 4)
            {
                var v = Vector128.Load(c + j);
                if (bias != null) v += Vector128.Load(bias + j);
                Activate(v).Store(c + j);
            }
        for (; j < cols; j++)
        {
            float v = c[j] + (bias == null ? 0f : bias[j]);
            c[j] = _activation switch
            {
                EpilogueActivation.Relu => MathF.Max(v, 0f),
                EpilogueActivation.Selu => v > 0 ? SeluScale * v : SeluScale * SeluAlpha * (MathF.Exp(v) - 1f),
                _ => v,
            };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<float> Activate(Vector128<float> v) => _activation switch
    {
        EpilogueActivation.Relu => Vector128.Max(v, Vector128<float>.Zero),
        EpilogueActivation.Selu => Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<float>.Zero), v * SeluScale,
            (SimdMath.Exp(Vector128.Min(v, Vector128<float>.Zero)) - Vector128<float>.One) * (SeluScale * SeluAlpha)),
        _ => v,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<float> Activate(Vector512<float> v) => _activation switch
    {
        EpilogueActivation.Relu => Vector512.Max(v, Vector512<float>.Zero),
        EpilogueActivation.Selu => Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v * SeluScale,
            (SimdMath.Exp(Vector512.Min(v, Vector512<float>.Zero)) - Vector512<float>.One) * (SeluScale * SeluAlpha)),
        _ => v,
    };
}
