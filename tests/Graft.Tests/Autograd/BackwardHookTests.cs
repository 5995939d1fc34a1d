using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Tests.Autograd;

/// <summary>Backward's report of each weight whose gradient is complete, which lets data-parallel training send gradients early.</summary>
public class BackwardHookTests
{
    [Fact]
    public void EachLeafIsReportedOnceWithItsCompleteGradientBeforeTheLowerLayersRun()
    {
        var g = new Generator(1);
        var x = Tensor.RandomNormal([4, 3], generator: g);
        var w1 = Tensor.RandomNormal([3, 5], generator: g);
        var w2 = Tensor.RandomNormal([5, 2], generator: g);
        w1.RequiresGrad = w2.RequiresGrad = true;
        // w2 is used twice (two consumers): it is complete only after both contributions.
        Tensor Loss()
        {
            var h = Ops.Tanh(Ops.MatMul(x, w1));
            return Ops.Sum(Ops.Add(Ops.MatMul(h, w2), Ops.MatMul(h, Ops.Multiply(w2, 2f))));
        }

        Loss().Backward();
        float[] full1 = w1.Grad!.ToArray(), full2 = w2.Grad!.ToArray();
        w1.ZeroGrad();
        w2.ZeroGrad();

        var reported = new List<(Tensor Leaf, float[] Grad, bool LowerDone)>();
        Backward.Run(Loss(), null, leaf => reported.Add((leaf, leaf.Grad!.ToArray(), w1.Grad is not null)));
        Assert.Equal(2, reported.Count);
        // w2 sits above w1: its gradient is complete, and reported, while w1's is still being computed.
        Assert.Same(w2, reported[0].Leaf);
        Assert.False(reported[0].LowerDone);
        Assert.Equal(full2, reported[0].Grad);
        Assert.Same(w1, reported[1].Leaf);
        Assert.Equal(full1, reported[1].Grad);
    }
}
