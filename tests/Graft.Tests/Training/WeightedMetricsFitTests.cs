using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Training;

/// <summary>
/// Keras's <c>weighted_metrics</c>: the metrics that receive Fit's sample and class weights (and
/// Evaluate's sample weights), beside the plain <c>metrics</c> that stay unweighted; their history keys;
/// their place in saved compile configs.
/// </summary>
public class WeightedMetricsFitTests
{
    /// <summary>A frozen classifier: Fit takes no step, so every batch's predictions are Predict's.</summary>
    private static Sequential Frozen()
    {
        var model = new Sequential([
            new Dense(4, activation: "tanh", inputShape: [3], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 }),
            new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 4 })]);
        foreach (var layer in model.Layers) layer.Trainable = false;
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int n, int seed)
    {
        var g = new Generator(seed);
        var x = Tensor.RandomNormal([n, 3], generator: g);
        var d = x.ToArray();
        // About one sample in four positive: an unbalanced target set.
        var y = Enumerable.Range(0, n).Select(i => d[3 * i] - 0.5f * d[3 * i + 2] > 0.7f ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, n, 1));
    }

    /// <summary>Accuracy by hand: each sample's hit (prediction above 0.5 equals the target) weighed by its weight.</summary>
    private static double Accuracy(Model model, Tensor x, Tensor y, Func<float, double> weightOfClass)
    {
        var p = model.Predict(x).ToArray();
        var t = y.ToArray();
        double hits = 0, total = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double w = weightOfClass(t[i]);
            if ((p[i] > 0.5f ? 1f : 0f) == t[i]) hits += w;
            total += w;
        }
        return hits / total;
    }

    [Fact]
    public void ClassWeightsWeighTheWeightedTwinOnly()
    {
        var (x, y) = Data(48, 1);
        var (xv, yv) = Data(20, 2);
        var model = Frozen();
        model.Compile("binary_crossentropy", "sgd", metrics: ["accuracy"], weightedMetrics: ["accuracy"]);
        var h = model.Fit(x, y, batchSize: 16, epochs: 1, shuffle: false, verbose: 0, validationData: (xv, yv),
            classWeight: new Dictionary<int, double> { [0] = 1.0, [1] = 4.0 });
        double plain = Accuracy(model, x, y, _ => 1), weighted = Accuracy(model, x, y, t => t == 1 ? 4 : 1);
        Assert.True(Math.Abs(plain - weighted) > 0.01, $"the data should make the two differ: {plain} vs {weighted}");
        // Keras's CompileMetrics.result: the weighted twin of a metric logs as weighted_<name>.
        Assert.Equal(["accuracy", "loss", "val_accuracy", "val_loss", "val_weighted_accuracy", "weighted_accuracy"], h.Keys.Order());
        Assert.Equal(plain, h["accuracy"][0], 6);
        Assert.Equal(weighted, h["weighted_accuracy"][0], 6);
        // Class weights are for training only: validation has no weights, so the twins agree.
        Assert.Equal(Accuracy(model, xv, yv, _ => 1), h["val_accuracy"][0], 6);
        Assert.Equal(h["val_accuracy"][0], h["val_weighted_accuracy"][0], 12);
    }

    [Fact]
    public void EvaluateWeighsOnlyTheWeightedMetrics()
    {
        var (x, y) = Data(30, 3);
        var model = Frozen();
        model.Compile("binary_crossentropy", "sgd", metrics: ["accuracy", "precision"], weightedMetrics: [new Recall(name: "weighted_recall"), "accuracy"]);
        var t = y.ToArray();
        var w = Tensor.FromArray(Enumerable.Range(0, 30).Select(i => (float)(i % 3)).ToArray(), 30);
        var logs = model.Evaluate(x, y, batchSize: 8, sampleWeight: w);
        var wv = w.ToArray();
        Assert.Equal(Accuracy(model, x, y, _ => 1), logs["accuracy"], 6);
        Assert.Equal(["accuracy", "loss", "precision", "weighted_accuracy", "weighted_recall"], logs.Keys.Order());
        var p = model.Predict(x).ToArray();
        double hits = 0, total = 0, tp = 0, positives = 0;
        for (int i = 0; i < 30; i++)
        {
            if ((p[i] > 0.5f ? 1f : 0f) == t[i]) hits += wv[i];
            total += wv[i];
            if (t[i] == 1) { positives += wv[i]; if (p[i] > 0.5f) tp += wv[i]; }
        }
        Assert.Equal(hits / total, logs["weighted_accuracy"], 6);
        Assert.Equal(positives == 0 ? 0 : tp / positives, logs["weighted_recall"], 6);
    }

    [Fact]
    public void AWeightedMetricWithItsOwnNameKeepsIt()
    {
        var (x, y) = Data(16, 4);
        var model = Frozen();
        model.Compile("binary_crossentropy", "sgd", weightedMetrics: ["accuracy"]);
        var logs = model.Evaluate(x, y, sampleWeight: Tensor.Full(2f, 16));
        Assert.Equal(["accuracy", "loss"], logs.Keys.Order());
        Assert.Equal(Accuracy(model, x, y, _ => 1), logs["accuracy"], 6);
    }

    [Fact]
    public void SeveralOutputsPrefixTheWeightedName()
    {
        var input = Keras.Input([3], name: "x");
        var a = new Dense(1, activation: "sigmoid", name: "a", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }).Call(input);
        var b = new Dense(1, activation: "sigmoid", name: "b", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 }).Call(input);
        var model = new Model([input], [a, b]);
        model.Compile(new Dictionary<string, Loss> { ["a"] = "binary_crossentropy", ["b"] = "binary_crossentropy" }, "sgd",
            metrics: new Dictionary<string, IEnumerable<Metric>> { ["a"] = ["accuracy"] },
            weightedMetrics: new Dictionary<string, IEnumerable<Metric>> { ["a"] = ["accuracy"], ["b"] = ["accuracy"] });
        var (x, y) = Data(12, 5);
        var logs = model.Evaluate([x], [y, y], sampleWeight: Tensor.Full(1f, 12));
        Assert.Contains("a_accuracy", logs.Keys);
        Assert.Contains("a_weighted_accuracy", logs.Keys);
        Assert.Contains("b_accuracy", logs.Keys);
        Assert.DoesNotContain("b_weighted_accuracy", logs.Keys);
    }

    [Fact]
    public void AMaskedSequenceOutputCountsOnlyItsUnmaskedStepsInMeanMetrics()
    {
        var ids = Tensor.FromArray([3, 1, 0, 0, 2, 4, 4, 1, 0, 3, 0, 2], 3, 4);
        var model = new Sequential([new InputLayer([4]), new Embedding(5, 3, maskZero: true), new LSTM(4, returnSequences: true), new TimeDistributed(new Dense(2))]);
        model.Compile("mse", "sgd", metrics: ["mae"], weightedMetrics: ["mae"]);
        var y = Tensor.RandomNormal([3, 4, 2], generator: new Generator(1));
        var w = Tensor.FromArray([1f, 2f, 5f], 3);
        var logs = model.Evaluate(ids, y, batchSize: 3, sampleWeight: w);
        var pred = model.Predict(ids).ToArray();
        var (id, target, wv) = (ids.ToArray(), y.ToArray(), w.ToArray());
        double sum = 0, weightedSum = 0, valid = 0, weights = 0;
        for (int step = 0; step < 12; step++)
        {
            if (id[step] == 0) continue;
            double mae = (Math.Abs(pred[2 * step] - target[2 * step]) + Math.Abs(pred[2 * step + 1] - target[2 * step + 1])) / 2;
            double ws = wv[step / 4];
            sum += mae; valid++;
            weightedSum += ws * mae; weights += ws;
        }
        // Keras's MeanMetricWrapper applies the output's mask whether or not the metric is weighted.
        Assert.Equal(sum / valid, logs["mae"], 5);
        Assert.Equal(weightedSum / weights, logs["weighted_mae"], 5);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void WeightedMetricsAreSavedAndLoadedBack(string extension)
    {
        var model = Frozen();
        model.Compile("binary_crossentropy", "sgd", metrics: ["accuracy"], weightedMetrics: ["accuracy", new AUC(numThresholds: 50, curve: "PR")]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            if (extension == ".keras")
            {
                using var zip = ZipFile.OpenRead(path);
                using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
                var cc = JsonNode.Parse(r.ReadToEnd())!["compile_config"]!;
                var weighted = cc["weighted_metrics"]!.AsArray();
                Assert.Equal("accuracy", weighted[0]!.GetValue<string>());
                Assert.Equal("AUC", weighted[1]!["class_name"]!.GetValue<string>());
                Assert.Equal(["accuracy"], cc["metrics"]!.AsArray().Select(n => n!.GetValue<string>()));
            }
            var loaded = Model.Load(path);
            Assert.True(loaded.IsCompiled);
            Assert.Equal(["accuracy"], loaded.CompiledState!.OutputMetrics[0].Select(m => m.Name));
            Assert.Equal(["accuracy", "auc"], loaded.CompiledState.WeightedOutputMetrics[0].Select(m => m.Name));
            var auc = Assert.IsType<AUC>(loaded.CompiledState.WeightedOutputMetrics[0][1]);
            Assert.Equal(("PR", 50), (auc.Curve, auc.NumThresholds));
            var (x, y) = Data(20, 6);
            var w = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => (float)(i % 4)).ToArray(), 20);
            Assert.Equal(model.Evaluate(x, y, sampleWeight: w), loaded.Evaluate(x, y, sampleWeight: w));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AModelWithoutWeightedMetricsSavesNull()
    {
        var model = Frozen();
        model.Compile("binary_crossentropy", "sgd", metrics: ["accuracy"]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            using var zip = ZipFile.OpenRead(path);
            using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
            var cc = JsonNode.Parse(r.ReadToEnd())!["compile_config"]!.AsObject();
            Assert.True(cc.ContainsKey("weighted_metrics"));
            Assert.Null(cc["weighted_metrics"]);
        }
        finally { File.Delete(path); }
    }
}
