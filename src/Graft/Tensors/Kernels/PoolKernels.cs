using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// Channel-vectorized max pooling, one window at a time: the window's cells are given as offsets
/// of their channel vectors from a base pointer, so the same loop serves windows clipped by the
/// border. The running maximum (forward) and the cells already taken (backward) stay in registers
/// across the cells, a vector of channels at a time.
/// </summary>
internal static unsafe class PoolKernels
{
    /// <summary>256-bit vectors when the JIT accelerates them, else 128-bit ones (ARM64, x86 without AVX).</summary>
    private static readonly bool Wide = Vector256.IsHardwareAccelerated;

    /// <summary>y[0..c) = the maximum of x[cells[i] + 0..c) over the window's cells (−∞ for none; NaN wins, as in TensorFlow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WindowMax(float* x, long* cells, int count, float* y, int c) => WindowMax(x, cells, count, y, c, Wide);

    /// <summary>
    /// For one window: gy[0..c) goes to the first cell (in the order given) whose x equals the
    /// window's max y, as in TensorFlow; added to gx when <paramref name="add"/> (overlapping windows),
    /// else written, with zeros in the window's other cells.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WindowRoute(float* x, float* gx, long* cells, int count, float* y, float* gy, int c, bool add) =>
        WindowRoute(x, gx, cells, count, y, gy, c, add, Wide);

    /// <summary><see cref="WindowMax(float*, long*, int, float*, int)"/> with 256-bit (<paramref name="wide"/>) or 128-bit vectors: tests run both widths on any CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WindowMax(float* x, long* cells, int count, float* y, int c, bool wide)
    {
        if (count == 0)
        {
            new Span<float>(y, c).Fill(float.NegativeInfinity);
            return;
        }
        int i = 0;
        if (wide)
            for (; i <= c - 8; i += 8)
            {
                var m = Vector256.Load(x + cells[0] + i);
                for (int q = 1; q < count; q++) m = Vector256.Max(m, Vector256.Load(x + cells[q] + i));
                m.Store(y + i);
            }
        for (; i <= c - 4; i += 4)
        {
            var m = Vector128.Load(x + cells[0] + i);
            for (int q = 1; q < count; q++) m = Vector128.Max(m, Vector128.Load(x + cells[q] + i));
            m.Store(y + i);
        }
        for (; i < c; i++)
        {
            float m = x[cells[0] + i];
            for (int q = 1; q < count; q++) m = MathF.Max(m, x[cells[q] + i]);
            y[i] = m;
        }
    }

    /// <summary><see cref="WindowRoute(float*, float*, long*, int, float*, float*, int, bool)"/> with 256-bit (<paramref name="wide"/>) or 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WindowRoute(float* x, float* gx, long* cells, int count, float* y, float* gy, int c, bool add, bool wide)
    {
        int i = 0;
        if (wide)
            for (; i <= c - 8; i += 8)
            {
                var m = Vector256.Load(y + i);
                var g = Vector256.Load(gy + i);
                var taken = Vector256<float>.Zero;
                for (int q = 0; q < count; q++)
                {
                    long o = cells[q] + i;
                    var hit = Vector256.AndNot(Vector256.Equals(Vector256.Load(x + o), m), taken);
                    var routed = g & hit;
                    (add ? Vector256.Load(gx + o) + routed : routed).Store(gx + o);
                    taken |= hit;
                }
            }
        for (; i <= c - 4; i += 4)
        {
            var m = Vector128.Load(y + i);
            var g = Vector128.Load(gy + i);
            var taken = Vector128<float>.Zero;
            for (int q = 0; q < count; q++)
            {
                long o = cells[q] + i;
                var hit = Vector128.AndNot(Vector128.Equals(Vector128.Load(x + o), m), taken);
                var routed = g & hit;
                (add ? Vector128.Load(gx + o) + routed : routed).Store(gx + o);
                taken |= hit;
            }
        }
        for (; i < c; i++)
        {
            bool taken = false;
            for (int q = 0; q < count; q++)
            {
                long o = cells[q] + i;
                bool hit = !taken && x[o] == y[i];
                if (add) { if (hit) gx[o] += gy[i]; }
                else gx[o] = hit ? gy[i] : 0f;
                taken |= hit;
            }
        }
    }
}
