using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Tests.Autograd;

/// <summary>
/// Gradients given back to the pool during the backward sweep, as soon as they are passed on: the
/// same gradients as without recycling on a graph that reuses tensors, shares them through views and
/// accumulates into a weight twice, with the memory back in the pool before the scope ends, and
/// nothing recycled that the caller still holds (the seed, the forward values, the weights' gradients).
/// </summary>
public class GradientRecyclerTests
{
    private const int Batch = 256, Width = 512;

    /// <summary>Σ r·f(x) for a graph with a tensor used twice, a view, a weight used twice and a concatenation.</summary>
    private static (Tensor Loss, Tensor[] Leaves, Tensor Hidden) Forward()
    {
        var x = Tensor.RandomUniform([Batch, Width], -1, 1, new Generator(1));
        var w1 = Tensor.RandomUniform([Width, Width], -0.1f, 0.1f, new Generator(2));
        var w2 = Tensor.RandomUniform([Width, Width], -0.1f, 0.1f, new Generator(3));
        foreach (var t in new[] { x, w1, w2 }) t.RequiresGrad = true;
        var h = Ops.Relu(Ops.MatMul(x, w1));
        var twice = Ops.Add(h, h);
        var view = Ops.Reshape(twice, Batch * 2, Width / 2);
        var back = Ops.Reshape(Ops.Tanh(view), Batch, Width);
        var z = Ops.Concatenate([Ops.MatMul(back, w2), Ops.MatMul(h, w2)], axis: 1);
        var r = Tensor.RandomUniform([Batch, 2 * Width], -1, 1, new Generator(4));
        return (Ops.Sum(Ops.Multiply(z, r)), [x, w1, w2], h);
    }

    [Fact]
    public void SameGradientsAndMemoryBackBeforeTheScopeEnds()
    {
        var (loss, leaves, _) = Forward();
        loss.Backward();
        var expected = leaves.Select(l => l.Grad!.ToArray()).ToArray();

        var pool = new BufferPool(trimAtFullCollections: false);
        using (new GraftContext { BufferPool = pool }.Use())
        using (TensorScope.Begin())
        {
            var (scopedLoss, scopedLeaves, hidden) = Forward();
            long before = pool.RetainedBytes;
            scopedLoss.Backward();
            // Intermediate gradients (each Batch × Width floats, 512 KiB) are back in the pool already.
            Assert.True(pool.RetainedBytes - before >= 4L * Batch * Width,
                $"expected at least one {Batch}x{Width} gradient back in the pool during the sweep, got {pool.RetainedBytes - before} bytes");
            for (int i = 0; i < leaves.Length; i++)
                Assert.Equal(expected[i], scopedLeaves[i].Grad!.ToArray());
            // Forward values stay readable for the caller until the scope ends.
            Assert.Equal(Batch * Width, hidden.ToArray().Length);
            Assert.Equal(scopedLoss.Item(), scopedLoss.Item());
        }
    }

    [Fact]
    public void AnExplicitSeedIsNeverRecycled()
    {
        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (TensorScope.Begin())
        {
            var x = Tensor.RandomUniform([Batch, Width], -1, 1, new Generator(5));
            x.RequiresGrad = true;
            var y = Ops.Tanh(Ops.Multiply(x, 3f));
            var seed = Tensor.RandomUniform([Batch, Width], -1, 1, new Generator(6));
            var seedValues = seed.ToArray();
            y.Backward(seed);
            Assert.Equal(seedValues, seed.ToArray());
            Assert.Equal(Batch * Width, x.Grad!.ToArray().Length);
        }
    }
}
