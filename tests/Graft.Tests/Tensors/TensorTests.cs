using Graft.Autograd;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void FromArrayCopiesAndKeepsShape()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(data, 2, 3);
        data[0] = 99;
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ToArray());
        Assert.Equal("(2, 3)", t.Shape.ToString());
        Assert.Equal("(5,)", new Shape(5).ToString());
    }

    [Fact]
    public void CreationHelpers()
    {
        Assert.All(Tensor.Zeros(2, 2).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones(3).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Tensor.Full(2.5f, 2, 1).ToArray(), v => Assert.Equal(2.5f, v));
        Assert.Equal([0f, 1, 2], Tensor.Arange(3).ToArray());
    }

    [Fact]
    public void RandomIsSeededAndHasTheRightMoments()
    {
        var a = Tensor.RandomNormal([20000], 1f, 2f, new Generator(5));
        var b = Tensor.RandomNormal([20000], 1f, 2f, new Generator(5));
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.InRange(a.Mean().Item(), 0.95f, 1.05f);
        Assert.InRange(a.Variance().Item(), 3.8f, 4.2f);
        var u = Tensor.RandomUniform([20000], -2f, 2f, new Generator(6));
        Assert.InRange(u.Min().Item(), -2f, -1.99f);
        Assert.True(u.Max().Item() < 2f);
        var tn = Tensor.TruncatedNormal([20000], 0f, 0.5f, new Generator(7));
        Assert.True(tn.Max().Item() <= 1f && tn.Min().Item() >= -1f);
        // Truncation at 2σ: variance = σ² · 0.7737 (the factor Keras divides by in variance scaling).
        Assert.InRange(tn.Variance().Item() / 0.25f, 0.75f, 0.80f);
    }

    [Fact]
    public void GlobalSeedRepeats()
    {
        using var context = new GraftContext().Use();
        GraftContext.Current.SetSeed(42);
        var a = Tensor.RandomUniform([5]);
        GraftContext.Current.SetSeed(42);
        Assert.Equal(a.ToArray(), Tensor.RandomUniform([5]).ToArray());
    }

    [Fact]
    public void IndexingWithIndicesAndRanges()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(v => (float)v).ToArray(), 4, 3);
        Assert.Equal([9f, 10, 11], x[^1].ToArray());
        Assert.Equal(new Shape(2, 3), x[..2].Shape);
        Assert.Equal([6f, 7, 8, 9, 10, 11], x[2..].ToArray());
        Assert.Equal([1f, 4, 7, 10], x[.., 1].ToArray());
        Assert.Equal([4f, 5], x[1, 1..].ToArray());
        Assert.Equal(5f, x[1, 2].Item());
        Assert.Equal(new Shape(0, 3), x[5..].Shape);      // Python slicing clamps
        Assert.Equal([0f, 2, 3, 5, 6, 8, 9, 11], x.Slice(1, 0, 3, 2).ToArray());
    }

    [Fact]
    public void ReshapeTransposePermute()
    {
        var x = Tensor.Arange(6).Reshape(2, -1);
        Assert.Equal(new Shape(2, 3), x.Shape);
        Assert.Equal([0f, 3, 1, 4, 2, 5], x.Transpose().ToArray());
        var y = Tensor.Arange(24).Reshape(2, 3, 4).Permute(2, 0, 1);
        Assert.Equal(new Shape(4, 2, 3), y.Shape);
        Assert.Equal(13f, y.GetValue(1, 1, 0)); // y[1,1,0] = x[1,0,1] = 12 + 1
    }

    [Fact]
    public void ConcatenateStackGather()
    {
        var a = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var b = Tensor.FromArray([5, 6], 2, 1);
        Assert.Equal([1f, 2, 5, 3, 4, 6], Tensor.Concatenate([a, b], 1).ToArray());
        Assert.Equal(new Shape(2, 2, 2), Tensor.Stack([a, a], 0).Shape);
        Assert.Equal([1f, 3, 2, 4], Tensor.Stack([a[.., 0], a[.., 1]], 0).ToArray());
        Assert.Equal([3f, 4, 1, 2, 3, 4], a.Gather([1, 0, 1]).ToArray());
    }

    [Fact]
    public void BroadcastingArithmetic()
    {
        var x = Tensor.FromArray([0, 255, 51, 102], 2, 2);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], (x / 255f).ToArray());
        var row = Tensor.FromArray([10, 20], 2);
        var col = Tensor.FromArray([1, 2], 2, 1);
        Assert.Equal([11f, 21, 12, 22], (row + col).ToArray());
        Assert.Equal([0f, 255, 102, 204], (x * col).ToArray());
        Assert.Equal(new Shape(3, 2, 4), (Tensor.Ones(3, 1, 4) - Tensor.Ones(2, 1)).Shape);
        Assert.Equal([0f, 1, 1, 1], (x > 50f).ToArray());
        Assert.Equal([0f, 1, 0, 1], (x > 100f).ToArray());
        Assert.Equal([0f, 1, 1, 1], Tensor.Where(x > 0f, Tensor.Ones(1), Tensor.Zeros(1)).ToArray());
        Assert.Equal([1f, 0, 0, 0], Ops.Equal(x, Tensor.Scalar(0)).ToArray());
    }

    [Fact]
    public void Reductions()
    {
        var x = Tensor.FromArray([1, 5, 3, 4, 2, 6], 2, 3);
        Assert.Equal(21f, x.Sum().Item());
        Assert.Equal([5f, 7, 9], x.Sum(0).ToArray());
        Assert.Equal(new Shape(2, 1), x.Sum(1, keepDims: true).Shape);
        Assert.Equal([3f, 4], x.Mean(1).ToArray());
        Assert.Equal([5f, 6], x.Max([1]).ToArray());
        Assert.Equal([1f, 2], x.Min([1]).ToArray());
        Assert.Equal([1f, 2], x.ArgMax().ToArray());
        Assert.Equal([0f, 1], Ops.ArgMin(x, 1).ToArray());
        Assertions.Close([2.25f, 2.25f, 2.25f], x.Variance([0]));
        // Scattered axes go through a permutation.
        var y = Tensor.Arange(24).Reshape(2, 3, 4);
        Assert.Equal([60f, 92, 124], y.Sum([0, 2]).ToArray());
        Assertions.Close([2.4643688f], Ops.LogSumExp(Tensor.FromArray([1, 2, 0.5f], 3)), 1e-6f);
        Assert.Equal(1001.0986f, Ops.LogSumExp(Tensor.FromArray([1000, 1000, 1000], 3)).Item(), 3); // no overflow
    }

    [Fact]
    public void DetachAndNoGradRecordNothing()
    {
        var w = Tensor.Ones(2); w.RequiresGrad = true;
        using (GradMode.NoGrad())
        {
            var y = w * 2f;
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
        }
        var z = w * 2f;
        Assert.True(z.RequiresGrad);
        Assert.False(z.Detach().RequiresGrad);
    }

    [Fact]
    public void TensorsThatNeedNoGradientRecordNoGraph()
    {
        // A frozen weight and plain data: the op result has no node, so backward never reaches it.
        var data = Tensor.Ones(3, 4);
        var frozen = Tensor.Ones(4, 2);
        var h = Ops.MatMul(data, frozen);
        Assert.False(h.RequiresGrad);
        Assert.Null(h.Node);
        var head = Tensor.Ones(2, 1); head.RequiresGrad = true;
        Ops.Sum(Ops.MatMul(h, head)).Backward();
        Assert.Null(frozen.Grad);
        Assert.Equal([12f, 12f], head.Grad!.ToArray());
    }

    [Fact]
    public void StateCreatedInsideAScopeSurvivesIt()
    {
        var layer = new Graft.Layers.Core.Dense(3);
        var opt = new Graft.Optimizers.SGD(0.1, momentum: 0.9);
        using (var scope = TensorScope.Begin())
        {
            layer.Call(Tensor.Ones(2, 4));              // weights built inside the scope
            var w = layer.Weights[0];
            w.Value.RequiresGrad = true;
            Ops.Sum(layer.Call(Tensor.Ones(2, 4))).Backward();
            opt.Apply([w]);                             // momentum slot created inside the scope
        }
        Assert.Equal(new Shape(4, 3), layer.GetWeights()[0].Shape);
        layer.Weights[0].Value.Grad = Tensor.Ones(4, 3);
        opt.Apply([layer.Weights[0]]);                  // the slot is still alive
    }

    [Fact]
    public void ScopeRecyclesTemporariesAndGuardsThem()
    {
        var w = Tensor.Ones(128);
        Tensor escaped, kept;
        using (var scope = TensorScope.Begin())
        {
            escaped = w * 2f;
            kept = scope.Keep(w * 3f);
        }
        Assert.Equal(3f, kept.ToArray()[0]);
        var ex = Assert.Throws<ObjectDisposedException>(() => escaped.ToArray());
        Assert.Contains("TensorScope", ex.Message);
        Assert.Equal(1f, w.ToArray()[0]);
    }
}
