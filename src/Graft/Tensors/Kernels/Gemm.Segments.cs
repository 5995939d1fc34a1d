using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

// Micro-kernels whose K loop walks a list of runs of operands read in place, for products whose
// operands are never laid out as matrices: a convolution's kernel gradient reads A's columns
// straight from the image (a tap's channels at each output pixel) and B's rows from the output
// gradient, so nothing is gathered or packed.
internal static unsafe partial class Gemm
{
    /// <summary>Columns of C in a <see cref="SegmentTile"/> (two 512-bit vectors).</summary>
    internal const int SegmentColumns = 32;

    /// <summary>Rows of C in the widest <see cref="SegmentTile"/>.</summary>
    internal const int SegmentRows = 12;

    /// <summary>Whether <see cref="SegmentTile"/> runs here (it needs 512-bit vectors).</summary>
    internal static bool SegmentTilesRun => Kernel == GemmKernel.Vector512;

    /// <summary>
    /// C (+)= A·B for a rows × <see cref="SegmentColumns"/> tile of C (rows 1 … <see cref="SegmentRows"/>),
    /// K running over <paramref name="segments"/> in order, each step one fused multiply-add chain per
    /// element: A(r, step) = a[r + offset] with the offset stepping by <paramref name="csA"/>, B(step, j)
    /// = b[row·ldb + j]. All 32 columns of B's rows are read, so a narrower B must be padded.
    /// </summary>
    /// <param name="rows">Rows of the tile, 1 to 12: A's rows r at a[r] of each column.</param>
    /// <param name="a">A's base.</param>
    /// <param name="csA">A's step between consecutive steps of a run.</param>
    /// <param name="b">B's base.</param>
    /// <param name="ldb">B's row stride.</param>
    /// <param name="segments">The runs of steps, K in their order.</param>
    /// <param name="count">Number of runs.</param>
    /// <param name="c">The tile of C (row-major, row stride <paramref name="ldc"/>), <paramref name="cols"/> columns written.</param>
    /// <param name="ldc">C's row stride.</param>
    /// <param name="cols">Columns of C to write, 1 to 32.</param>
    /// <param name="add">Add to C instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SegmentTile(int rows, float* a, nint csA, float* b, nint ldb, GemmSegment* segments, int count,
        float* c, int ldc, int cols, bool add)
    {
        System.Diagnostics.Debug.Assert(rows is >= 1 and <= SegmentRows && cols is >= 1 and <= SegmentColumns);
        float* tile = stackalloc float[SegmentRows * SegmentColumns];
        bool direct = cols == SegmentColumns;
        // Full strips of 12, 8 and 4 rows run straight into C; a remainder of 1 to 3 rows reuses the
        // 4-row kernel with its missing rows pointing at the last real one, into scratch.
        int r0 = 0;
        while (r0 < rows)
        {
            int left = rows - r0, step = left >= 12 ? 12 : left >= 8 ? 8 : 4;
            float* ar = a + r0;
            bool full = direct && left >= step;
            float* dst = full ? c + (long)r0 * ldc : tile;
            int ld = full ? ldc : SegmentColumns;
            if (step == 12) Segments12(ar, csA, b, ldb, segments, count, dst, ld, add && full);
            else if (step == 8) Segments8(ar, csA, b, ldb, segments, count, dst, ld, add && full);
            else
            {
                nint l1 = Math.Min(1, left - 1), l2 = Math.Min(2, left - 1), l3 = Math.Min(3, left - 1);
                Segments4(ar, l1, l2, l3, csA, b, ldb, segments, count, dst, ld, add && full);
            }
            if (!full)
            {
                for (int r = 0, n = Math.Min(step, left); r < n; r++)
                {
                    float* to = c + (long)(r0 + r) * ldc, from = tile + r * SegmentColumns;
                    if (add) for (int j = 0; j < cols; j++) to[j] += from[j];
                    else for (int j = 0; j < cols; j++) to[j] = from[j];
                }
            }
            r0 += step;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Segments12(float* a, nint csA, float* b, nint ldb, GemmSegment* segments, int count, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default,
            c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int s = 0; s < count; s++)
        {
            float* pa = a + segments[s].A, pb = b + segments[s].B * ldb;
            for (int p = segments[s].Length; p > 0; p--)
            {
                var b0 = Vector512.Load(pb); var b1 = Vector512.Load(pb + 16);
                Vector512<float> x;
                x = Vector512.Create(pa[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(pa[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(pa[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(pa[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(pa[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(pa[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(pa[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(pa[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
                x = Vector512.Create(pa[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
                x = Vector512.Create(pa[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
                x = Vector512.Create(pa[10]); ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0); ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
                x = Vector512.Create(pa[11]); cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0); cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
                pa += csA; pb += ldb;
            }
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add); c += ldc;
        Store2(c, c60, c61, add); c += ldc; Store2(c, c70, c71, add); c += ldc;
        Store2(c, c80, c81, add); c += ldc; Store2(c, c90, c91, add); c += ldc;
        Store2(c, ca0, ca1, add); c += ldc; Store2(c, cb0, cb1, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Segments8(float* a, nint csA, float* b, nint ldb, GemmSegment* segments, int count, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int s = 0; s < count; s++)
        {
            float* pa = a + segments[s].A, pb = b + segments[s].B * ldb;
            for (int p = segments[s].Length; p > 0; p--)
            {
                var b0 = Vector512.Load(pb); var b1 = Vector512.Load(pb + 16);
                Vector512<float> x;
                x = Vector512.Create(pa[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(pa[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(pa[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(pa[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(pa[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(pa[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(pa[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(pa[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
                pa += csA; pb += ldb;
            }
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add); c += ldc;
        Store2(c, c40, c41, add); c += ldc; Store2(c, c50, c51, add); c += ldc;
        Store2(c, c60, c61, add); c += ldc; Store2(c, c70, c71, add);
    }

    /// <summary>Four rows at a[0], a[l1], a[l2], a[l3] of each column: a strip of 4, or of 1 to 3 with rows repeated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Segments4(float* a, nint l1, nint l2, nint l3, nint csA, float* b, nint ldb, GemmSegment* segments, int count, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int s = 0; s < count; s++)
        {
            float* pa = a + segments[s].A, pb = b + segments[s].B * ldb;
            for (int p = segments[s].Length; p > 0; p--)
            {
                var b0 = Vector512.Load(pb); var b1 = Vector512.Load(pb + 16);
                Vector512<float> x;
                x = Vector512.Create(pa[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(pa[l1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(pa[l2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(pa[l3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                pa += csA; pb += ldb;
            }
        }
        Store2(c, c00, c01, add); c += ldc; Store2(c, c10, c11, add); c += ldc;
        Store2(c, c20, c21, add); c += ldc; Store2(c, c30, c31, add);
    }
}
