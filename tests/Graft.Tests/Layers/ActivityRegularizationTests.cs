using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Layers;

/// <summary>
/// ActivityRegularization against Keras's formula, (l1·Σ|x| + l2·Σx²) / batch size, on hand-computed
/// cases; its penalty reaching the training loss, and its gradient.
/// </summary>
public class ActivityRegularizationTests
{
    [Fact]
    public void PenaltyIsKerasFormulaOverTheBatch()
    {
        var model = new Sequential([new InputLayer([2]), new ActivityRegularization(l1: 0.1, l2: 0.2)]);
        var x = Tensor.FromArray([1f, -2f, 3f, 0f], 2, 2);
        var y = model.Call(x);
        Assert.Equal(x.ToArray(), y.ToArray());
        // Σ|x| = 6, Σx² = 14: (0.1·6 + 0.2·14) / 2 = 1.7.
        Assert.Equal(1.7f, model.RegularizationLosses().Single().Item(), 5);
        // The next call replaces the penalty instead of adding another.
        model.Call(Tensor.FromArray([0.5f, 0f], 1, 2));
        Assert.Equal(0.1f * 0.5f + 0.2f * 0.25f, model.RegularizationLosses().Single().Item(), 5);
    }

    [Fact]
    public void ZeroFactorsAddNothing()
    {
        var layer = new ActivityRegularization();
        layer.Call(Tensor.FromArray([1f, 2f], 1, 2));
        Assert.Empty(layer.RegularizationLosses());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityRegularization(l1: -0.1));
    }

    [Fact]
    public void EvaluationLossIncludesThePenalty()
    {
        var dense = new Dense(2, kernelInitializer: new Constant(0.5f), biasInitializer: new Constant(-0.25f));
        var model = new Sequential([new InputLayer([3]), dense, new ActivityRegularization(l1: 0.05, l2: 0.3)]);
        model.Compile("mse", "sgd");
        var x = Tensor.FromArray([1f, 2f, -1f, 0.5f, -3f, 2f, 0f, 1f, 1f, -2f, 0.25f, 4f], 4, 3);
        var yTrue = Tensor.FromArray([1f, 0f, 0f, 1f, 2f, -1f, 0.5f, 0.5f], 4, 2);
        var p = model.Predict(x).ToArray();
        double mse = p.Select((v, i) => Math.Pow(v - yTrue.ToArray()[i], 2)).Average();
        double penalty = (0.05 * p.Sum(v => Math.Abs((double)v)) + 0.3 * p.Sum(v => (double)v * v)) / 4;
        Assert.Equal(mse + penalty, model.Evaluate(x, yTrue, batchSize: 4)["loss"], 5);
    }

    [Fact]
    public void PenaltyGradientMatchesFiniteDifferences()
    {
        var layer = new ActivityRegularization(l1: 0.3, l2: 0.7);
        Check(t =>
        {
            layer.Call(t[0], training: true);
            return layer.RegularizationLosses().Single();
        }, [AwayFromZero([3, 4], 1)]);
    }

    [Fact]
    public void TrainingFollowsThePenalty()
    {
        // With only the penalty to minimise (targets equal to the output), SGD shrinks the activity.
        var dense = new Dense(2, useBias: false, kernelInitializer: new Constant(1f));
        var model = new Sequential([new InputLayer([2]), dense, new ActivityRegularization(l2: 1.0)]);
        model.Compile("mae", "sgd");
        var x = Tensor.FromArray([1f, 1f, 2f, -1f], 2, 2);
        var before = Ops.Sum(Ops.Square(model.Predict(x))).Item();
        model.Fit(x, model.Predict(x), epochs: 3, batchSize: 2, verbose: 0);
        Assert.True(Ops.Sum(Ops.Square(model.Predict(x))).Item() < before * 0.9f);
    }
}
