using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU's Dense kernel gradient handed to an update block by block (IFusedWeightUpdate): the
/// blocks cover the gradient once, every element equals the CPU's own xᵀ·gz to the bit (so the
/// weights end as with the stored gradient) and float64 arithmetic within rounding, for any thread
/// count; and the SGD update applied range by range equals the whole update to the bit.
/// </summary>
public class FusedWeightUpdateTests
{
    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    /// <summary>The gradient the kernel hands out, assembled from its blocks; each element must come exactly once.</summary>
    private static (bool Done, float[] Gradient) Blocks(Tensor x, Tensor gz)
    {
        int m = x.Shape[1], n = gz.Shape[1];
        var gradient = new float[m * n];
        var seen = new int[m * n];
        bool done = ((IFusedWeightUpdate)x.Backend).DenseWeightUpdate(x, gz, (start, block) =>
        {
            lock (seen)
                for (int i = 0; i < block.Length; i++) { gradient[start + i] = block[i]; seen[start + i]++; }
        });
        if (done) Assert.All(seen, count => Assert.Equal(1, count));
        else Assert.All(seen, count => Assert.Equal(0, count));
        return (done, gradient);
    }

    [Theory]
    [InlineData(32, 784, 300)]   // Géron's first layer at batch 32: several blocks, shared between threads
    [InlineData(32, 300, 100)]
    [InlineData(1, 1, 1)]        // batch 1, one input feature (x read in place), one unit
    [InlineData(3, 1, 40)]
    [InlineData(7, 13, 5)]       // nothing a multiple of the micro-tiles
    [InlineData(33, 100, 1)]
    [InlineData(64, 50, 4097)]   // wider than a packed B block on some machines: B packed per block
    [InlineData(200, 333, 77)]   // blocks of rows that end inside a micro-tile
    public void BlocksEqualTheProductAndTheReference(int batch, int m, int n)
    {
        var g = new Generator(batch * 1000 + m + n);
        var x = Tensor.RandomNormal([batch, m], generator: g);
        var gz = Tensor.RandomNormal([batch, n], generator: g);
        var product = Ops.MatMul(x, gz, transposeA: true).ToArray();
        var reference = GradCheck.Values(Ops.MatMul(x.To(Device.Reference), gz.To(Device.Reference), transposeA: true));
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var _ = new GraftContext { Threads = threads }.Use();
            var (done, gradient) = Blocks(x, gz);
            Assert.True(done, $"DenseWeightUpdate: expected the ({batch}, {m})ᵀ·({batch}, {n}) product computed by blocks, got a refusal.");
            Assert.Equal(product.Select(Bits), gradient.Select(Bits));
            GradCheck.Close($"xᵀ·gz by blocks under {threads} threads", gradient.Select(v => (double)v).ToArray(), reference);
        }
    }

    [Fact]
    public void AProductWhoseSumsMatMulSplitsIsRefused()
    {
        // A deep product with a small output is summed by Gemm in separate chunks of K: rows computed
        // apart would sum differently, so the kernel declines before calling the update.
        var g = new Generator(5);
        var x = Tensor.RandomNormal([3000, 20], generator: g);
        var gz = Tensor.RandomNormal([3000, 30], generator: g);
        var (done, _) = Blocks(x, gz);
        Assert.False(done);
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.9f, false)]
    [InlineData(0.9f, true)]
    public void SgdByRangesEqualsTheWholeStep(float momentum, bool nesterov)
    {
        const int n = 70_001;   // large enough for the whole step to be shared between threads
        var g = new Generator(9);
        var grad = Tensor.RandomNormal([n], generator: g);
        var w0 = Tensor.RandomNormal([n], generator: g);
        var m0 = Tensor.RandomNormal([n], generator: g);
        var kernels = (IOptimizerKernels)grad.Backend;
        var (w1, m1) = (w0.Clone(), m0.Clone());
        kernels.SgdStep(w1, grad, momentum > 0 ? m1 : null, 0.01f, momentum, nesterov);
        var (w2, m2) = (w0.Clone(), m0.Clone());
        var gradient = grad.ToArray();
        // Uneven ranges, some not whole vectors, out of order.
        int[] cuts = [0, 17, 4096, 4099, 40_000, n];
        foreach (int r in new[] { 3, 0, 4, 1, 2 })
            kernels.SgdRange(w2, momentum > 0 ? m2 : null, cuts[r], gradient.AsSpan(cuts[r], cuts[r + 1] - cuts[r]), 0.01f, momentum, nesterov);
        Assert.Equal(w1.ToArray().Select(Bits), w2.ToArray().Select(Bits));
        Assert.Equal(m1.ToArray().Select(Bits), m2.ToArray().Select(Bits));
    }
}
