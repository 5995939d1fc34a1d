using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Graft.Tensors.Kernels;

namespace Graft.Tensors.Backends;

internal sealed partial class CpuBackend : IFusedAddRelu
{
    /// <inheritdoc/>
    public void AddRelu(Tensor a, Tensor b, Tensor y) => AddRelu(a.Data, b.Data, y.Data);

    /// <summary>y = max(a + b, 0); <paramref name="wide"/> as in <see cref="Simd.Map{T}(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool?)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, bool? wide = null) =>
        Simd.Map<AddThenRelu>(a, b, y, wide);

    /// <summary>max(a + b, 0): the float sum an Add gives, then the relu's max with 0 (which keeps NaN).</summary>
    private readonly struct AddThenRelu : IBinaryKernel
    {
        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a + b, Vector256<float>.Zero);
        public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Max(a + b, Vector128<float>.Zero);
        public static float Invoke(float a, float b) => MathF.Max(a + b, 0f);
    }
}
