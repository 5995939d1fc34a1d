using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Tensors;

/// <summary>
/// Ownership of pooled memory: a scope owns storage, not tensors, so keeping any tensor that
/// shares a storage (a reshaped view, a detached copy) keeps the memory; nothing else survives.
/// </summary>
public class TensorScopeTests
{
    private static Tensor Iota(int n) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n);

    [Fact]
    public void KeptReshapeViewSurvivesTheScope()
    {
        var w = Iota(128);
        Tensor view;
        using (var scope = TensorScope.Begin())
            view = scope.Keep((w * 2f).Reshape(4, 32));
        Assert.Equal(new Shape(4, 32), view.Shape);
        Assert.Equal(w.ToArray().Select(v => 2 * v), view.ToArray());
    }

    [Fact]
    public void KeptOutputOfDenseOnRank3InputSurvivesTheScope()
    {
        // Dense on (batch, steps, features) multiplies the flattened rows and reshapes the pooled
        // result back, so what the model returns is a view of a buffer the scope allocated.
        var model = new Sequential([new Dense(16)]);
        var x = Tensor.RandomNormal([2, 8, 4], generator: new Generator(5));
        var expected = model.Call(x).ToArray();
        Tensor kept;
        using (var scope = TensorScope.Begin())
            kept = scope.Keep(model.Call(x));
        Assert.Equal(new Shape(2, 8, 16), kept.Shape);
        Assert.Equal(expected, kept.ToArray());
    }

    [Fact]
    public void KeptDetachedTensorSurvivesTheScope()
    {
        var w = Iota(96);
        Tensor kept;
        using (var scope = TensorScope.Begin())
            kept = scope.Keep((w + 1f).Detach());
        Assert.Equal(w.ToArray().Select(v => v + 1), kept.ToArray());
    }

    [Fact]
    public void KeptViewKeepsItsValuesWhileLaterScopesReuseThePool()
    {
        var w = Iota(96);
        Tensor view, viewOfView;
        float[] kept;
        using (var scope = TensorScope.Begin())
        {
            var y = w + 1f;
            kept = y.Data;
            view = scope.Keep(y.Reshape(8, 12));
            viewOfView = view.Reshape(12, 8);             // shares the kept memory, so it lives too
        }
        float[]? recycled = null;
        for (int i = 0; i < 3; i++)
            using (TensorScope.Begin())
            {
                var junk = Tensor.Full(-7f, 96);          // the same length: the kept buffer would be handed out here
                Assert.NotSame(kept, junk.Data);
                recycled ??= junk.Data;
                Assert.Same(recycled, junk.Data);          // while the pool still recycles what scopes free
            }
        var expected = w.ToArray().Select(v => v + 1).ToArray();
        Assert.Equal(expected, view.ToArray());
        Assert.Equal(expected, viewOfView.ToArray());
    }

    [Fact]
    public void KeptViewMovesToTheEnclosingScopeAndEndsWithIt()
    {
        var w = Tensor.Ones(128);
        Tensor once, twice;
        using (var outer = TensorScope.Begin())
        {
            using (var inner = TensorScope.Begin())
            {
                once = inner.Keep((w * 2f).Reshape(2, 64));
                twice = inner.Keep((w * 3f).Reshape(64, 2));
            }
            Assert.Equal(2f, once.GetValue(1, 63));
            outer.Keep(twice.Reshape(128));               // another view of the same memory
        }
        Assert.Equal(3f, twice.GetValue(63, 1));
        var ex = Assert.Throws<ObjectDisposedException>(() => once.ToArray());
        Assert.Contains("TensorScope", ex.Message);
    }

    [Fact]
    public void ViewsOfAKeptTensorMadeInLaterScopesLive()
    {
        var w = Tensor.Ones(128);
        Tensor kept, late;
        using (var scope = TensorScope.Begin()) kept = scope.Keep(w * 2f);
        using (TensorScope.Begin()) late = kept.Reshape(8, 16);
        Assert.Equal(2f, late.GetValue(7, 15));
    }

    [Fact]
    public void UnkeptViewsDoNotHoldTheirMemoryBack()
    {
        var w = Tensor.Ones(160);
        float[] first;
        Tensor escaped;
        using (TensorScope.Begin())
        {
            var y = w * 2f;
            first = y.Data;
            escaped = y.Reshape(16, 10);
        }
        var ex = Assert.Throws<ObjectDisposedException>(() => escaped.ToArray());
        Assert.Contains("scope.Keep(tensor)", ex.Message);
        using (TensorScope.Begin())
            Assert.Same(first, (w * 3f).Data);
    }

    [Fact]
    public void ReleasedTensorStillReportsItsShape()
    {
        Tensor escaped;
        using (TensorScope.Begin()) escaped = Tensor.Ones(4, 32) * 2f;
        Assert.Equal(128, escaped.Size);
        Assert.Contains("(4, 32)", escaped.ToString());
    }

    [Fact]
    public void KeepAfterTheScopeEndedIsAnError()
    {
        var scope = TensorScope.Begin();
        var y = Tensor.Ones(128) * 2f;
        scope.Dispose();
        var ex = Assert.Throws<InvalidOperationException>(() => scope.Keep(y));
        Assert.Contains("TensorScope.Keep", ex.Message);
    }

    [Fact]
    public void TrainingStepInAScopeTakesItsBuffersFromThePool()
    {
        // The bench's alloc case as a check of pool hits: after a warm-up step, every buffer that
        // a step inside a scope asks for comes from the pool, so it allocates only small objects
        // (tensors, graph nodes), a small fraction of the same step without a scope. A pool of the
        // test's own counts only this test's misses, and does not trim at the full collections that
        // tests running beside it may cause.
        using var context = new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use();
        var g = new Generator(0);
        var w1 = Param(Tensor.RandomNormal([784, 128], 0, 0.05f, g));
        var b1 = Param(Tensor.Zeros(128));
        var w2 = Param(Tensor.RandomNormal([128, 10], 0, 0.05f, g));
        var b2 = Param(Tensor.Zeros(10));
        Tensor[] ps = [w1, b1, w2, b2];
        var x = Tensor.RandomUniform([32, 784], generator: g);
        var y = Ops.OneHot(Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 10)).ToArray(), 32), 10);

        void Step()
        {
            var h = Ops.Relu(Ops.Add(Ops.MatMul(x, w1), b1)).Reshape(4, 8, 128);   // a view on the way, as Dense on rank 3
            var logits = Ops.Add(Ops.MatMul(h.Reshape(32, 128), w2), b2);
            var loss = Ops.Mean(Ops.CategoricalCrossEntropy(y, logits, fromLogits: true));
            loss.Backward();
            foreach (var p in ps) { p.Backend.Axpy(-0.01f, p.Grad!, p); p.ZeroGrad(); }
        }

        long Bytes(bool scoped)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            if (scoped) using (TensorScope.Begin()) Step();
            else Step();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Bytes(scoped: true);                               // the first step fills the pool
        long misses = BufferPool.Current.Misses;
        long pooled = Bytes(scoped: true);
        Assert.Equal(misses, BufferPool.Current.Misses);           // every buffer of the second step was a hit
        long fresh = Bytes(scoped: false);
        Assert.True(pooled * 10 < fresh, $"expected a pooled step to allocate under a tenth of a fresh one ({fresh} bytes), got {pooled} bytes.");
    }

    private static Tensor Param(Tensor t) { t.RequiresGrad = true; return t; }
}
