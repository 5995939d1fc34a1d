using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// Max pooling's window kernels in the 512-bit, 256-bit and 128-bit loops, on any CPU, against their
/// rules: the forward takes each channel's maximum over the window's cells (NaN wins, +0 above −0,
/// −∞ for a window with no cell); the backward sends gy to the first cell holding the maximum,
/// added to gx or written with zeros in the other cells.
/// </summary>
public class PoolKernelsTests
{
    private const int Channels = 19; // a 16-lane vector and a scalar tail, or two 8-lane or four 4-lane vectors, a 4-lane one and a scalar tail

    /// <summary>Four cells of one window, scattered in x at the given offsets, with ties, zeros of both signs and a NaN.</summary>
    private static (float[] x, long[] cells) Window(int seed)
    {
        var rng = new Random(seed);
        long[] cells = [0, 3 * Channels, 7 * Channels, 8 * Channels];
        var x = new float[9 * Channels];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) - 1;           // many ties
        x[cells[1] + 2] = -0f; x[cells[2] + 2] = 0f; x[cells[0] + 2] = -1; x[cells[3] + 2] = -0f;
        x[cells[2] + 5] = float.NaN;
        x[cells[3] + 18] = float.NaN;
        return (x, cells);
    }

    [Theory]
    [InlineData(512, 4)]
    [InlineData(256, 4)]
    [InlineData(128, 4)]
    [InlineData(512, 1)]
    [InlineData(256, 1)]
    [InlineData(512, 0)]
    [InlineData(128, 0)]
    public unsafe void EveryWidthTakesTheMaximum(int bits, int count)
    {
        var (x, cells) = Window(3);
        var expected = new float[Channels];
        for (int i = 0; i < Channels; i++)
        {
            float m = float.NegativeInfinity;
            for (int q = 0; q < count; q++) m = MathF.Max(m, x[cells[q] + i]);
            expected[i] = m;
        }
        var y = new float[Channels];
        fixed (float* px = x, py = y)
        fixed (long* pc = cells)
            PoolKernels.WindowMax(px, pc, count, py, Channels, bits);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(512, true)]
    [InlineData(512, false)]
    [InlineData(256, true)]
    [InlineData(256, false)]
    [InlineData(128, true)]
    [InlineData(128, false)]
    public unsafe void EveryWidthRoutesToTheFirstMaximum(int bits, bool add)
    {
        var (x, cells) = Window(5);
        var rng = new Random(6);
        var y = new float[Channels];
        for (int i = 0; i < Channels; i++) y[i] = cells.Select(o => x[o + i]).Max();
        y[4] = 7; // a maximum no cell holds: the gradient goes nowhere
        var gy = Enumerable.Range(0, Channels).Select(_ => 1f + rng.Next(9)).ToArray();
        var gx = Enumerable.Range(0, x.Length).Select(_ => (float)rng.Next(5)).ToArray();
        var expected = (float[])gx.Clone();
        for (int i = 0; i < Channels; i++)
        {
            bool taken = false;
            foreach (long o in cells)
            {
                bool hit = !taken && x[o + i] == y[i];
                expected[o + i] = add ? gx[o + i] + (hit ? gy[i] : 0f) : hit ? gy[i] : 0f;
                taken |= hit;
            }
        }
        fixed (float* px = x, py = y, pg = gy, po = gx)
        fixed (long* pc = cells)
            PoolKernels.WindowRoute(px, po, pc, cells.Length, py, pg, Channels, add, bits);
        Assert.Equal(expected, gx);
    }
}
