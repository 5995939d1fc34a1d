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
    /// <summary>
    /// The normalization with its relu (forward in one pass, the relu's gradient inside the
    /// normalization's) against the separate passes, bit for bit: the relu's max with 0 of the
    /// normalized values, then its gradient from that output, then the normalization's backward.
    /// Pre-activations of exactly 0 and −0 (x = 0 with a zero shift, x = −0), column counts with
    /// vector tails, a partial last chunk of rows, and several threads.
    /// </summary>
    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(65, 19, 2)]
    [InlineData(300, 64, 3)]
    public void NormalizationWithReluMatchesTheSeparatePassesBitForBit(int rows, int c, int threads)
    {
        using var context = new GraftContext { Threads = threads }.Use();
        var x = Tensor.RandomNormal([rows, c], 0.2f, 1f, new Generator(8)).ToArray();
        var gy = Tensor.RandomNormal([rows, c], generator: new Generator(9)).ToArray();
        var random = new Random(10);
        float[] Values(double low, double high) => Enumerable.Range(0, c).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray();
        var scale = Values(0.5, 1.5);
        var shift = Values(-0.5, 0.5);
        shift[0] = 0f;
        for (int r = 0; r < rows; r += 3) x[r * c] = r % 2 == 0 ? 0f : -0f;
        var mean = Values(-0.2, 0.2);
        var invStd = Values(0.5, 2);
        var gamma = Values(0.5, 1.5);

        var separate = new float[x.Length];
        var fused = new float[x.Length];
        var masked = new float[x.Length];
        var gxSeparate = new float[x.Length];
        var gxFused = new float[x.Length];
        var (ggSeparate, gbSeparate, ggFused, gbFused) = (new float[c], new float[c], new float[c], new float[c]);
        fixed (float* px = x, pgy = gy, ps = scale, pt = shift, pm = mean, pi = invStd, pg = gamma, py = separate, pf = fused, pmask = masked,
            pgx = gxSeparate, pgf = gxFused, pggS = ggSeparate, pgbS = gbSeparate, pggF = ggFused, pgbF = gbFused)
        {
            BatchNormKernels.ScaleShift(px, rows, c, ps, pt, py);
            System.Numerics.Tensors.TensorPrimitives.Max(separate, 0f, separate);
            BatchNormKernels.ScaleShift(px, rows, c, ps, pt, pf, relu: true);
            Simd.Map<ReluBackward>(separate, gy, masked);
            BatchNormKernels.Backward(px, pmask, rows, c, pm, pi, pg, pgx, pggS, pgbS);
            BatchNormKernels.Backward(px, pgy, rows, c, pm, pi, pg, pgf, pggF, pgbF, ps, pt);
        }
        AssertBits(separate, fused, "y");
        AssertBits(gxSeparate, gxFused, "dx");
        AssertBits(ggSeparate, ggFused, "dgamma");
        AssertBits(gbSeparate, gbFused, "dbeta");

        static void AssertBits(float[] expected, float[] actual, string what)
        {
            for (int i = 0; i < expected.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}.");
        }
    }
}
