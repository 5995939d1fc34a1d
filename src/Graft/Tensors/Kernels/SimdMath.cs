using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>Vector math functions for fused kernels.</summary>
internal static class SimdMath
{
    /// <summary>
    /// eˣ for 8 floats: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by Cephes's degree-5 minimax polynomial
    /// (relative error about 1e−7), 2ⁿ built in the exponent bits. Inputs are clamped to
    /// [−87.3, 88.7], the float range of the result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.33654f)), Vector256.Create(88.72283f));
        var n = Vector256.Round(x * 1.44269504088896341f);
        var r = x - n * 0.693359375f + n * 2.12194440e-4f;      // Cody–Waite: ln2 split in two parts
        var r2 = r * r;
        var p = Vector256.Create(1.9875691500E-4f);
        p = p * r + Vector256.Create(1.3981999507E-3f);
        p = p * r + Vector256.Create(8.3334519073E-3f);
        p = p * r + Vector256.Create(4.1665795894E-2f);
        p = p * r + Vector256.Create(1.6666665459E-1f);
        p = p * r + Vector256.Create(5.0000001201E-1f);
        var e = p * r2 + r + Vector256<float>.One;
        var scale = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return e * scale.AsSingle();
    }

    /// <summary>eˣ for 4 floats, the same method as the 8-wide version (ARM64, x86 without AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-87.33654f)), Vector128.Create(88.72283f));
        var n = Vector128.Round(x * 1.44269504088896341f);
        var r = x - n * 0.693359375f + n * 2.12194440e-4f;      // Cody–Waite: ln2 split in two parts
        var r2 = r * r;
        var p = Vector128.Create(1.9875691500E-4f);
        p = p * r + Vector128.Create(1.3981999507E-3f);
        p = p * r + Vector128.Create(8.3334519073E-3f);
        p = p * r + Vector128.Create(4.1665795894E-2f);
        p = p * r + Vector128.Create(1.6666665459E-1f);
        p = p * r + Vector128.Create(5.0000001201E-1f);
        var e = p * r2 + r + Vector128<float>.One;
        var scale = (Vector128.ConvertToInt32(n) + Vector128.Create(127)) << 23;
        return e * scale.AsSingle();
    }

    /// <summary>eˣ for 16 floats, the same method as the 8-wide version, with fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.33654f)), Vector512.Create(88.72283f));
        var n = Vector512.Round(x * 1.44269504088896341f);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500E-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        var e = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return e * scale.AsSingle();
    }
}
