using Graft.Datasets;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Training;

/// <summary>Keras's sample_weight and class_weight: the weighted loss by hand, and the equivalences that define them.</summary>
public class WeightedFitTests
{
    private static (Tensor X, Tensor Y) Unbalanced(int n, int seed)
    {
        var g = new Generator(seed);
        var x = Tensor.RandomNormal([n, 3], generator: g);
        var d = x.ToArray();
        // About one sample in five is positive: the small, unbalanced target sets of transfer learning.
        var y = Enumerable.Range(0, n).Select(i => d[3 * i] + 0.5f * d[3 * i + 1] > 0.85f ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, n, 1));
    }

    private static Sequential Net() => new([
        new Dense(6, activation: "tanh", inputShape: [3], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }),
        new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 })]);

    private static float[][] Weights(Model m) => m.GetWeights().Select(w => w.ToArray()).ToArray();

    [Fact]
    public void TheWeightedLossIsTheSumOfWeightedSampleLossesOverTheBatchSize()
    {
        var (x, y) = Unbalanced(40, 1);
        var w = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i % 4) * 0.5f).ToArray(), 40);
        var model = Net();
        model.Compile("binary_crossentropy", "sgd");
        var p = model.Predict(x).ToArray();
        var t = y.ToArray();
        var wv = w.ToArray();
        // Keras's binary crossentropy (probabilities clipped to [1e-7, 1 - 1e-7]) times the weight,
        // summed and divided by the number of samples, not by the sum of the weights (reduction
        // "sum_over_batch_size"). One batch of 40 here, so the mean is over all samples.
        double sum = 0;
        for (int i = 0; i < 40; i++)
        {
            double q = Math.Clamp(p[i], 1e-7, 1 - 1e-7);
            sum += wv[i] * -(t[i] * Math.Log(q) + (1 - t[i]) * Math.Log(1 - q));
        }
        Assert.Equal(sum / 40, model.Evaluate(x, y, batchSize: 40, sampleWeight: w)["loss"], 5);
        Assert.Equal(sum / 40, model.Evaluate(Dataset.FromTensorSlices(x, y, w).Batch(40))["loss"], 5);
    }

    [Fact]
    public void DoublingEverySampleWeightIsDoublingTheLearningRateOfSgd()
    {
        var (x, y) = Unbalanced(64, 2);
        var weighted = Net();
        weighted.Compile("binary_crossentropy", new SGD(0.05));
        weighted.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0, sampleWeight: Tensor.Full(2f, 64));
        var plain = Net();
        plain.Compile("binary_crossentropy", new SGD(0.1));
        plain.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        var a = Weights(weighted);
        var b = Weights(plain);
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a[i].Length; j++) Assert.Equal(b[i][j], a[i][j], 5);
        // And the weights did matter: unweighted at the same rate trains less far.
        var half = Net();
        half.Compile("binary_crossentropy", new SGD(0.05));
        half.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        Assert.NotEqual(a[^1], Weights(half)[^1]);
    }

    [Fact]
    public void ClassWeightIsTheSampleWeightOfEachSamplesClass()
    {
        using var context = new GraftContext(seed: 5).Use();
        var (x, y) = Unbalanced(64, 3);
        var byClass = Net();
        byClass.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
        var hc = byClass.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, classWeight: new Dictionary<int, double> { [1] = 4.0 });

        GraftContext.Current.SetSeed(5);
        var bySample = Net();
        bySample.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
        var w = Tensor.FromArray(y.ToArray().Select(v => v == 1f ? 4f : 1f).ToArray(), 64);
        var hs = bySample.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, sampleWeight: w);
        Assert.Equal(Weights(bySample), Weights(byClass));
        Assert.Equal(hs["loss"], hc["loss"]);

        // One-hot targets: the class is the arg-max; the same from a dataset.
        var oneHot = Tensor.FromArray(y.ToArray().SelectMany(v => v == 1f ? new[] { 0f, 1f } : [1f, 0f]).ToArray(), 64, 2);
        Sequential Softmax() => new([new Dense(2, activation: "softmax", inputShape: [3], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 })]);
        var cw = Softmax();
        cw.Compile("categorical_crossentropy", new SGD(0.1));
        cw.Fit(Dataset.FromTensorSlices(x, oneHot).Batch(16), epochs: 2, verbose: 0, classWeight: new Dictionary<int, double> { [1] = 4.0, [0] = 0.5 });
        var sw = Softmax();
        sw.Compile("categorical_crossentropy", new SGD(0.1));
        var w2 = Tensor.FromArray(y.ToArray().Select(v => v == 1f ? 4f : 0.5f).ToArray(), 64);
        sw.Fit(Dataset.FromTensorSlices(x, oneHot, w2).Batch(16), epochs: 2, verbose: 0);
        Assert.Equal(Weights(sw), Weights(cw));
    }

    [Fact]
    public void ClassAndSampleWeightsTogetherAndBadWeightsAreRefused()
    {
        var (x, y) = Unbalanced(16, 4);
        var model = Net();
        model.Compile("binary_crossentropy", "sgd");
        var both = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(16), classWeight: new Dictionary<int, double> { [1] = 2 }));
        Assert.Contains("class_weight", both.Message);
        Assert.Contains("sample_weight", both.Message);
        var count = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(15)));
        Assert.Contains("15", count.Message);
        Assert.Contains("sample_weight", count.Message);
        var nan = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Full(float.NaN, 16)));
        Assert.Contains("finite", nan.Message);
    }
}
