using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Tests.Autograd;

/// <summary>
/// A plain relu's gradient is taken from its output, so its input's values may be given back after
/// the forward pass, and the relu and training BatchNormalization rules write their input's gradient
/// into the memory of the gradient they are given when the backward sweep owns it: the same bits,
/// fewer buffers.
/// </summary>
public class InPlaceGradientTests
{
    [Fact]
    public void ReluGradientFromItsOutputIsTheMaskOfItsInputToTheBit()
    {
        float[] values = [-2f, -0f, 0f, 1e-38f, -1e-38f, 3.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-45f];
        var data = Enumerable.Range(0, 640).Select(i => i < values.Length ? values[i] : (i * 37 % 101 - 50) / 7f).ToArray();
        var g = Enumerable.Range(0, 640).Select(i => i % 3 == 0 ? -0f : (i * 13 % 29 - 14) / 3f).ToArray();
        var x = Tensor.FromArray(data, 640);
        x.RequiresGrad = true;
        var a = Ops.Multiply(x, 1f);   // an intermediate, so the relu's input is not a leaf
        var y = Ops.Relu(a);
        y.Backward(Tensor.FromArray(g, 640));
        var expected = data.Select((v, i) => v > 0 ? g[i] : 0f).ToArray();
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), x.Grad!.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void ReluBackwardDoesNotReadItsInput()
    {
        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (TensorScope.Begin())
        {
            var x = Tensor.RandomNormal([32, 16], generator: new Generator(3));
            x.RequiresGrad = true;
            var shift = Tensor.RandomNormal([32, 16], generator: new Generator(4));
            var a = Ops.Add(x, shift);   // a sum's gradient does not read it either
            var y = Ops.Relu(a);
            var mask = y.ToArray().Select(v => v > 0 ? 1f : 0f).ToArray();
            a.Storage.Release();   // what a model does with a relu's input once the forward pass is over
            Ops.Sum(y).Backward();
            Assert.Equal(mask, x.Grad!.ToArray());
        }
    }

    /// <summary>Σ r·f(x): pooled buffers made during the backward sweep, and x's gradient.</summary>
    private static (int Buffers, float[] Grad) Sweep(Func<Tensor, Tensor> f)
    {
        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (var scope = TensorScope.Begin())
        {
            var x = Tensor.RandomNormal([256, 8], generator: new Generator(5));
            x.RequiresGrad = true;
            var r = Tensor.RandomUniform([256, 8], -1, 1, new Generator(6));
            var loss = Ops.Sum(Ops.Multiply(f(x), r));
            int before = scope.OwnedCount;
            loss.Backward();
            return (scope.OwnedCount - before, x.Grad!.ToArray());
        }
    }

    [Fact]
    public void ReluAndBatchNormalizationGradientsTakeNoNewBuffer()
    {
        var gamma = Tensor.RandomUniform([8], 0.5f, 1.5f, new Generator(7));
        var beta = Tensor.RandomUniform([8], -0.5f, 0.5f, new Generator(8));
        Tensor Block(Tensor x) => Ops.Relu(Ops.BatchNormalizationTraining(x, gamma, beta, 1e-3f).Y);
        var (baseline, _) = Sweep(x => x);
        var (block, grad) = Sweep(x => Block(Block(x)));
        // Two relus and two normalizations: each writes into the gradient it was given.
        Assert.Equal(baseline, block);
        // The same gradient as the rules writing fresh buffers: outside a scope nothing is owned.
        var x = Tensor.RandomNormal([256, 8], generator: new Generator(5));
        x.RequiresGrad = true;
        var r = Tensor.RandomUniform([256, 8], -1, 1, new Generator(6));
        Ops.Sum(Ops.Multiply(Block(Block(x)), r)).Backward();
        Assert.Equal(x.Grad!.ToArray(), grad);
    }

    [Fact]
    public void AGradientSharedByTwoInputsIsNotOverwritten()
    {
        // An Add gives its gradient to both inputs; the relu after one of them must not overwrite
        // it while the other branch still has to read it.
        Tensor F(Tensor x)
        {
            var a = Ops.Multiply(x, 3f);
            return Ops.Add(Ops.Relu(a), Ops.Multiply(a, 0.5f));
        }
        var (_, grad) = Sweep(F);
        var x = Tensor.RandomNormal([256, 8], generator: new Generator(5));
        x.RequiresGrad = true;
        var r = Tensor.RandomUniform([256, 8], -1, 1, new Generator(6));
        Ops.Sum(Ops.Multiply(F(x), r)).Backward();
        Assert.Equal(x.Grad!.ToArray(), grad);
    }

    [Fact]
    public void AGradientOfManyReadersAccumulatesInPlaceToTheSameBits()
    {
        var shift = Tensor.RandomNormal([256, 8], generator: new Generator(9));
        // a read by k branches: each branch's rule makes one gradient for a, which is summed into a's.
        Func<Tensor, Tensor> Branches(int k) => x =>
        {
            var a = Ops.Add(x, shift);
            var sum = Ops.Tanh(a);
            for (int i = 1; i < k; i++) sum = Ops.Add(sum, i % 2 == 1 ? Ops.Sigmoid(a) : Ops.Tanh(Ops.Multiply(a, 0.5f)));
            return sum;
        };
        var (two, _) = Sweep(Branches(2));
        var (three, grad) = Sweep(Branches(3));
        var (four, _) = Sweep(Branches(4));
        // The third branch adds its rules' own gradients (Multiply's and Tanh's) and no sum buffer;
        // the fourth its Sigmoid's alone.
        Assert.Equal(2, three - two);
        Assert.Equal(1, four - three);
        var x = Tensor.RandomNormal([256, 8], generator: new Generator(5));
        x.RequiresGrad = true;
        var r = Tensor.RandomUniform([256, 8], -1, 1, new Generator(6));
        Ops.Sum(Ops.Multiply(Branches(3)(x), r)).Backward();
        Assert.Equal(x.Grad!.ToArray().Select(BitConverter.SingleToInt32Bits), grad.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void GradientsHandedOnByReferenceAreNotOverwrittenWhileShared()
    {
        // Subtract hands its own gradient on to b (no copy) and Multiply's to b again: sums into b's
        // gradient must not write into memory that the Subtract's output slot or the Add still hold.
        Tensor F(Tensor x)
        {
            var a = Ops.Tanh(x);
            var b = Ops.Multiply(a, 2f);
            return Ops.Add(Ops.Subtract(b, Ops.Multiply(b, 0.25f)), Ops.Sigmoid(b));
        }
        var (_, grad) = Sweep(F);
        var x = Tensor.RandomNormal([256, 8], generator: new Generator(5));
        x.RequiresGrad = true;
        var r = Tensor.RandomUniform([256, 8], -1, 1, new Generator(6));
        Ops.Sum(Ops.Multiply(F(x), r)).Backward();
        Assert.Equal(x.Grad!.ToArray().Select(BitConverter.SingleToInt32Bits), grad.Select(BitConverter.SingleToInt32Bits));
    }
}
