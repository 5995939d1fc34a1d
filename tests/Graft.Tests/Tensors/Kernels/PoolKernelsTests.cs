using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// Max-pooling's gradient routing in the 256-bit and the 128-bit loop, on any CPU, against its
/// rule: where x equals the window's max and no earlier cell took it, gy goes to gx (added, or
/// written with zeros elsewhere) and the cell is marked taken.
/// </summary>
public class PoolKernelsTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public unsafe void BothWidthsRouteToTheFirstMaximum(bool wide, bool add)
    {
        const int n = 19; // two 8-lane or four 4-lane vectors and a scalar tail
        var rng = new Random(5);
        var x = new float[n]; var y = new float[n]; var gy = new float[n];
        var taken = new float[n]; var gx = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.Next(3);
            x[i] = i % 3 == 0 ? y[i] : y[i] - 1;       // every third cell holds its window's max
            gy[i] = 1 + rng.Next(9);
            taken[i] = i % 6 == 0 ? 1f : 0f;            // half of those were taken by an earlier cell
            gx[i] = rng.Next(5);
        }
        var expectedGx = (float[])gx.Clone(); var expectedTaken = (float[])taken.Clone();
        for (int i = 0; i < n; i++)
        {
            bool hit = x[i] == y[i] && taken[i] == 0f;
            expectedGx[i] = add ? gx[i] + (hit ? gy[i] : 0f) : hit ? gy[i] : 0f;
            if (hit) expectedTaken[i] = 1f;
        }
        fixed (float* px = x, py = y, pg = gy, pt = taken, po = gx)
            PoolKernels.Route(px, py, pg, pt, po, n, add, wide);
        Assert.Equal(expectedGx, gx);
        Assert.Equal(expectedTaken, taken);
    }
}
