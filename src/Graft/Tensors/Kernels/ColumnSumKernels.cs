using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Column sums of a block of rows (a bias gradient, batch statistics), 32 columns at a time in
/// four registers across all the rows, instead of a load and a store of the sums per row.
/// </summary>
/// <remarks>
/// Each sum starts from the block's first row and adds the rows in order, one rounding per
/// addition, exactly as adding whole rows one after another would: the callers' results do not
/// depend on this kernel's vector width. Measured on the 2-core AVX-512 machine (best of 1,001):
/// the column sums of a 43,264 × 32 matrix (a batch of 64 through a 26 × 26 × 32 layer) took
/// 0.17 ms adding row by row with TensorPrimitives.Add, 0.08 ms here.
/// </remarks>
internal static unsafe class ColumnSumKernels
{
    /// <summary>acc[j] += Σ_{r &lt; rows} x[r·cols + j] for j &lt; cols, the rows added in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRows(float* x, int rows, int cols, float* acc)
    {
        int j0 = 0;
        for (; j0 + 32 <= cols; j0 += 32)
        {
            var a0 = Vector256.Load(acc + j0); var a1 = Vector256.Load(acc + j0 + 8);
            var a2 = Vector256.Load(acc + j0 + 16); var a3 = Vector256.Load(acc + j0 + 24);
            float* p = x + j0;
            for (int r = 0; r < rows; r++, p += cols)
            {
                a0 += Vector256.Load(p); a1 += Vector256.Load(p + 8);
                a2 += Vector256.Load(p + 16); a3 += Vector256.Load(p + 24);
            }
            a0.Store(acc + j0); a1.Store(acc + j0 + 8); a2.Store(acc + j0 + 16); a3.Store(acc + j0 + 24);
        }
        for (; j0 + 8 <= cols; j0 += 8)
        {
            var a0 = Vector256.Load(acc + j0);
            float* p = x + j0;
            for (int r = 0; r < rows; r++, p += cols) a0 += Vector256.Load(p);
            a0.Store(acc + j0);
        }
        for (; j0 < cols; j0++)
        {
            float s = acc[j0];
            float* p = x + j0;
            for (int r = 0; r < rows; r++, p += cols) s += *p;
            acc[j0] = s;
        }
    }
}
