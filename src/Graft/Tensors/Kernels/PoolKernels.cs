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
    /// <summary>
    /// Vector bits: 512 where the JIT accelerates them (AVX-512: a window of 32 or 64 channels in
    /// half the loads, compares and stores), else 256, else 128 (ARM64, x86 without AVX).
    /// </summary>
    private static readonly int Bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>y[0..c) = the maximum of x[cells[i] + 0..c) over the window's cells (−∞ for none; NaN wins, as in TensorFlow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WindowMax(float* x, long* cells, int count, float* y, int c) => WindowMax(x, cells, count, y, c, Bits);

    /// <summary>
    /// For one window: gy[0..c) goes to the first cell (in the order given) whose x equals the
    /// window's max y, as in TensorFlow; added to gx when <paramref name="add"/> (overlapping windows),
    /// else written, with zeros in the window's other cells.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WindowRoute(float* x, float* gx, long* cells, int count, float* y, float* gy, int c, bool add) =>
        WindowRoute(x, gx, cells, count, y, gy, c, add, Bits);

    /// <summary><see cref="WindowMax(float*, long*, int, float*, int)"/> with vectors of at most <paramref name="bits"/> bits: tests run every width on any CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WindowMax(float* x, long* cells, int count, float* y, int c, int bits)
    {
        if (count == 0)
        {
            new Span<float>(y, c).Fill(float.NegativeInfinity);
            return;
        }
        int i = 0;
        if (bits >= 512)
            for (; i <= c - 16; i += 16)
            {
                var m = Vector512.Load(x + cells[0] + i);
                for (int q = 1; q < count; q++) m = Vector512.Max(m, Vector512.Load(x + cells[q] + i));
                m.Store(y + i);
            }
        if (bits >= 256)
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

    /// <summary><see cref="WindowRoute(float*, float*, long*, int, float*, float*, int, bool)"/> with vectors of at most <paramref name="bits"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WindowRoute(float* x, float* gx, long* cells, int count, float* y, float* gy, int c, bool add, int bits)
    {
        int i = 0;
        if (bits >= 512)
            for (; i <= c - 16; i += 16)
            {
                var m = Vector512.Load(y + i);
                var g = Vector512.Load(gy + i);
                var taken = Vector512<float>.Zero;
                for (int q = 0; q < count; q++)
                {
                    long o = cells[q] + i;
                    var hit = Vector512.AndNot(Vector512.Equals(Vector512.Load(x + o), m), taken);
                    var routed = g & hit;
                    (add ? Vector512.Load(gx + o) + routed : routed).Store(gx + o);
                    taken |= hit;
                }
            }
        if (bits >= 256)
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
