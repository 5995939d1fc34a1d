using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Training;

namespace Graft.Tests.Training;

/// <summary>
/// Data-parallel Fit, Evaluate and Predict with the ranks as threads (<see cref="ThreadProcessGroup"/>):
/// the splitting, gathering and gradient buckets of the core, without MPI (DataParallelTests run the
/// same under mpirun).
/// </summary>
public class DataParallelFitTests
{
    private static (Tensor X, Tensor Y) Data(int n)
    {
        var g = new Generator(3);
        var x = Tensor.RandomNormal([n, 6], generator: g);
        var d = x.ToArray();
        var y = Enumerable.Range(0, n).Select(i => d[6 * i] - d[6 * i + 1] + 0.5f * d[6 * i + 2] > 0 ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, n, 1));
    }

    private static Sequential Net(bool batchNorm = false) => new([
        new Dense(16, activation: "relu", inputShape: [6]),
        .. batchNorm ? new Layer[] { new BatchNormalization() } : [],
        new Dense(8, activation: "tanh"),
        new Dense(1, activation: "sigmoid")]);

    private static float[] Train(int n, int epochs, bool batchNorm = false)
    {
        var (x, y) = Data(n);
        var model = Net(batchNorm);
        model.Compile("binary_crossentropy", new SGD(0.1, momentum: 0.9), ["accuracy"]);
        model.Fit(x, y, batchSize: 64, epochs: epochs, verbose: 0);
        return [.. model.Weights.SelectMany(v => v.Value.ToArray())];
    }

    [Fact]
    public void ThreeRanksMatchOneProcessWithUnevenAndEmptyShares()
    {
        // 65 samples in batches of 64: the last batch has one sample, so two of three ranks have none.
        float[] alone;
        using (new GraftContext(seed: 9).Use()) alone = Train(65, 3);
        var ranks = ThreadProcessGroup.Run(3, 9, _ => Train(65, 3));
        Assert.Equal(ranks[0], ranks[1]);
        Assert.Equal(ranks[0], ranks[2]);
        Assertions.Close(alone, ranks[0], 1e-5f);
    }

    [Fact]
    public void MovingAveragesAndGradientAccumulationWorkAsOnOneProcess()
    {
        // The optimizer's own state (use_ema, gradient_accumulation_steps) is fed the summed gradients.
        float[] Run()
        {
            var (x, y) = Data(200);
            var model = Net();
            model.Compile("binary_crossentropy", new SGD(0.1, momentum: 0.9) { UseEma = true, GradientAccumulationSteps = 2 });
            model.Fit(x, y, batchSize: 32, epochs: 2, verbose: 0);
            return [.. model.Weights.SelectMany(v => v.Value.ToArray())];
        }
        float[] alone;
        using (new GraftContext(seed: 6).Use()) alone = Run();
        var ranks = ThreadProcessGroup.Run(2, 6, _ => Run());
        Assert.Equal(ranks[0], ranks[1]);
        Assertions.Close(alone, ranks[0], 1e-5f);
    }

    [Fact]
    public void RanksThatDrewDifferentRandomNumbersStillTrainOnTheSameBatches()
    {
        float[] alone;
        using (new GraftContext(seed: 9).Use()) alone = Train(200, 2);
        var ranks = ThreadProcessGroup.Run(2, 9, group =>
        {
            var (x, y) = Data(200);
            var model = Net();
            model.Compile("binary_crossentropy", new SGD(0.1, momentum: 0.9));
            // Rank 1's stream moves on before Fit: its own shuffle would cut other batches than rank 0's.
            model.Build([-1, 6]);
            if (group.Rank == 1) GraftContext.Current.Generator.Permutation(1000);
            model.Fit(x, y, batchSize: 64, epochs: 2, verbose: 0);
            return model.Weights.SelectMany(v => v.Value.ToArray()).ToArray();
        });
        Assert.Equal(ranks[0], ranks[1]);
        Assertions.Close(alone, ranks[0], 1e-5f);
    }

    [Fact]
    public void BatchNormalizationMovingStatisticsStayTheSameOnEveryRank()
    {
        // Each rank normalizes its own half of a batch (per-replica statistics); the moving averages
        // are averaged after each step, so the replicas stay equal.
        var ranks = ThreadProcessGroup.Run(2, 5, _ => Train(256, 2, batchNorm: true));
        Assert.Equal(ranks[0], ranks[1]);
    }

    [Fact]
    public void PredictAndEvaluateReturnTheWholeResultOnEveryRank()
    {
        var (x, y) = Data(101);
        Tensor expected;
        IReadOnlyDictionary<string, double> expectedScores;
        var model = Net();
        model.Compile("binary_crossentropy", "sgd", ["accuracy", "auc"]);
        expected = model.Predict(x, batchSize: 16);
        expectedScores = model.Evaluate(x, y, batchSize: 16);
        var weights = model.GetWeights();
        var ranks = ThreadProcessGroup.Run(3, 1, _ =>
        {
            var m = Net();
            m.Compile("binary_crossentropy", "sgd", ["accuracy", "auc"]);
            m.Build([-1, 6]);
            m.SetWeights(weights);
            return (m.Predict(x, batchSize: 16).ToArray(), m.Evaluate(x, y, batchSize: 16));
        });
        foreach (var (predicted, scores) in ranks)
        {
            Assertions.Close(expected.ToArray(), predicted, 1e-6f);
            foreach (var (k, v) in expectedScores) Assert.Equal(v, scores[k], 1e-6);
        }
    }

    [Fact]
    public void GradientBucketsLeaveBeforeBackpropagationEnds()
    {
        var sentEarly = ThreadProcessGroup.Run(2, 4, group =>
        {
            var (x, y) = Data(64);
            var model = Net();
            model.Compile("binary_crossentropy", "sgd");
            model.Build([-1, 6]);
            var firstKernel = model.Weights[0];
            foreach (var v in model.Weights) v.Value.RequiresGrad = true;
            // Buckets of a few floats: the top layers' bucket is complete long before the first layer's.
            var buckets = new GradientBuckets(group, model.TrainableWeights, firstBucketFloats: 16, bucketFloats: 16);
            bool early = false;
            group.OnSum = () => early |= firstKernel.Value.Grad is null;
            using var scope = TensorScope.Begin();
            var loss = Graft.Autograd.Ops.Mean(Graft.Autograd.Ops.Square(Graft.Autograd.Ops.Subtract(model.Call(x), y)));
            buckets.Reduce(loss, 0.5f);
            Assert.True(buckets.Members.Length > 2, $"expected several buckets, got {buckets.Members.Length}");
            Assert.Equal(buckets.Members.Length, group.Sums.Count);
            Assert.All(model.TrainableWeights, v => Assert.NotNull(v.Value.Grad));
            return early;
        });
        Assert.All(sentEarly, Assert.True);
    }
}
