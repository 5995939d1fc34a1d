namespace Graft.Tensors.Kernels;

/// <summary>The GEMM micro-kernels, by the vector width they compute with.</summary>
internal enum GemmKernel
{
    /// <summary>Plain loops, for machines without SIMD.</summary>
    Scalar,

    /// <summary>128-bit vectors: ARM64 NEON, or x86 without AVX.</summary>
    Vector128,

    /// <summary>256-bit vectors (AVX2 with FMA).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}
