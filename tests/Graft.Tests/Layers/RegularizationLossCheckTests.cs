using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Tests.Layers;

/// <summary>
/// The check the training step makes before it gathers the penalties: it must say yes whenever
/// <see cref="Layer.RegularizationLosses"/> gives one (a regularized weight anywhere in the tree,
/// frozen or not, or a loss recorded in the latest call), else the penalty would silently vanish
/// from the loss.
/// </summary>
public class RegularizationLossCheckTests
{
    private static void AssertAgrees(Layer model, bool expected)
    {
        Assert.Equal(expected, model.RegularizationLosses().Any());
        Assert.Equal(expected, model.HasRegularizationLosses());
    }

    [Fact]
    public void PlainModelHasNone()
    {
        var model = new Sequential([new Dense(3, inputShape: [2]), new Dense(1)]);
        model.Call(Tensor.Ones(4, 2));
        AssertAgrees(model, false);
    }

    [Fact]
    public void RegularizedWeightOfANestedModelCounts()
    {
        var inner = new Sequential([new Dense(3, inputShape: [2]), new Dense(2, biasRegularizer: new L2(0.1f))]);
        var model = new Sequential([new InputLayer([2]), inner, new Dense(1)]);
        model.Call(Tensor.Ones(4, 2));
        AssertAgrees(model, true);
        // A frozen weight is still penalized, as in Keras.
        inner.Trainable = false;
        AssertAgrees(model, true);
    }

    [Fact]
    public void LossRecordedInTheLatestCallCounts()
    {
        var active = new Sequential([new InputLayer([2]), new Dense(2), new ActivityRegularization(l1: 0.1)]);
        AssertAgrees(active, false);   // nothing recorded before a call
        active.Call(Tensor.Ones(4, 2));
        AssertAgrees(active, true);
        var silent = new Sequential([new InputLayer([2]), new Dense(2), new ActivityRegularization()]);
        silent.Call(Tensor.Ones(4, 2));
        AssertAgrees(silent, false);
    }
}
