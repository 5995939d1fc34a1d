using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>The batch statistics kernel against float64 sums written from the definition.</summary>
public unsafe class BatchNormKernelsTests
{
    /// <summary>
    /// Per-chunk means and deviation sums combined into the whole batch's moments: a partial last
    /// chunk, a column count that is not a multiple of the vector width, one row, and columns far
    /// from zero (mean 1000, spread 0.01), where summing x² would cancel away the variance.
    /// </summary>
    [Theory]
    [InlineData(1, 5, 0f, 1f)]
    [InlineData(63, 3, 0f, 1f)]
    [InlineData(1000, 19, 1000f, 0.01f)]
    [InlineData(4097, 64, -3f, 2f)]
    public void MomentsMatchFloat64(int rows, int c, float offset, float spread)
    {
        var x = Tensor.RandomNormal([rows, c], offset, spread, new Generator(7)).ToArray();
        var mean = new float[c];
        var variance = new float[c];
        fixed (float* px = x, pm = mean, pv = variance) BatchNormKernels.Moments(px, rows, c, pm, pv);
        for (int j = 0; j < c; j++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < rows; r++) m += x[r * c + j];
            m /= rows;
            for (int r = 0; r < rows; r++) v += (x[r * c + j] - m) * (x[r * c + j] - m);
            v /= rows;
            Assert.True(Math.Abs(mean[j] - m) <= 1e-6 * Math.Abs(m) + 1e-6, $"mean[{j}]: expected {m:R}, got {mean[j]:R}");
            Assert.True(Math.Abs(variance[j] - v) <= 1e-4 * v + 1e-9, $"variance[{j}]: expected {v:R}, got {variance[j]:R}");
        }
    }
}
