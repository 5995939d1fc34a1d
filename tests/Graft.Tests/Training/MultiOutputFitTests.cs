using Graft.Datasets;
using Graft.Layers.Core;
using Graft.Losses;
using Graft.Metrics;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Training;

/// <summary>Several inputs and outputs in Fit and Evaluate: per-output losses, loss weights, metrics and Keras's log names.</summary>
public class MultiOutputFitTests
{
    /// <summary>Two inputs, a shared trunk, a regression head "score" and a 3-class head "klass".</summary>
    private static Model TwoHeads()
    {
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([2], name: "b");
        var trunk = new Dense(8, activation: "tanh", name: "trunk", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 })
            .Call(new Graft.Layers.Merging.Concatenate().Call([a, b]));
        var score = new Dense(1, name: "score", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 }).Call(trunk);
        var klass = new Dense(3, activation: "softmax", name: "klass", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 }).Call(trunk);
        return new Model([a, b], [score, klass]);
    }

    private static (Tensor A, Tensor B, Tensor Score, Tensor Klass) Data(int n, int seed)
    {
        var g = new Generator(seed);
        var a = Tensor.RandomNormal([n, 3], generator: g);
        var b = Tensor.RandomNormal([n, 2], generator: g);
        var da = a.ToArray(); var db = b.ToArray();
        var score = Enumerable.Range(0, n).Select(i => da[3 * i] - 2 * db[2 * i + 1]).ToArray();
        var klass = Enumerable.Range(0, n).Select(i => (float)(da[3 * i + 1] > 0.5f ? 2 : db[2 * i] > 0 ? 1 : 0)).ToArray();
        return (a, b, Tensor.FromArray(score, n, 1), Tensor.FromArray(klass, n));
    }

    private static void Compile(Model m) => m.Compile(
        new Dictionary<string, Loss> { ["score"] = "mse", ["klass"] = "sparse_categorical_crossentropy" },
        new Adam(0.02),
        metrics: new Dictionary<string, IEnumerable<Metric>> { ["klass"] = ["accuracy"], ["score"] = ["mae"] },
        lossWeights: new Dictionary<string, double> { ["score"] = 0.5, ["klass"] = 2.0 });

    [Fact]
    public void HistoryHasKerasKeysAndTheTotalIsTheWeightedSum()
    {
        var (a, b, s, k) = Data(96, 1);
        var (av, bv, sv, kv) = Data(32, 2);
        var model = TwoHeads();
        Compile(model);
        var h = model.Fit([a, b], [s, k], batchSize: 16, epochs: 4, validationData: ([av, bv], [sv, kv]), verbose: 0);
        Assert.Equal(["klass_accuracy", "klass_loss", "loss", "score_loss", "score_mae",
                      "val_klass_accuracy", "val_klass_loss", "val_loss", "val_score_loss", "val_score_mae"], h.Keys.Order(StringComparer.Ordinal));
        Assert.True(h["loss"][^1] < h["loss"][0]);

        var e = model.Evaluate([av, bv], [sv, kv], batchSize: 32);
        // Within 1e-5 rather than "equal to 5 decimals": rounding both sides to 5 decimals fails
        // whenever float32 sums a hair apart straddle a rounding boundary (this model is unseeded).
        Assert.Equal(0.5 * e["score_loss"] + 2.0 * e["klass_loss"], e["loss"], 1e-5);
        Assert.Equal(h["val_loss"][^1], e["loss"], 1e-5);
        // Each output's loss and metric, by hand from its own predictions.
        var outs = model.PredictOutputs([av, bv]);
        var ps = outs[0].ToArray(); var ts = sv.ToArray();
        var pk = outs[1].ToArray(); var tk = kv.ToArray();
        double mse = 0, mae = 0, ce = 0, hits = 0;
        for (int i = 0; i < 32; i++)
        {
            mse += (ps[i] - ts[i]) * (ps[i] - ts[i]) / 32;
            mae += Math.Abs(ps[i] - ts[i]) / 32;
            ce += -Math.Log(Math.Clamp(pk[3 * i + (int)tk[i]], 1e-7, 1 - 1e-7)) / 32;
            int arg = Enumerable.Range(0, 3).MaxBy(c => pk[3 * i + c]);
            hits += arg == (int)tk[i] ? 1 : 0;
        }
        Assert.Equal(mse, e["score_loss"], 1e-5);
        Assert.Equal(mae, e["score_mae"], 1e-5);
        Assert.Equal(ce, e["klass_loss"], 1e-5);
        Assert.Equal(hits / 32, e["klass_accuracy"], 10);
    }

    [Fact]
    public void ArraysByPositionByNameAndADatasetTrainAlike()
    {
        var (a, b, s, k) = Data(64, 3);
        Model Trained(Action<Model> fit)
        {
            var m = TwoHeads();
            Compile(m);
            fit(m);
            return m;
        }
        var byPosition = Trained(m => m.Fit([a, b], [s, k], batchSize: 16, epochs: 2, shuffle: false, verbose: 0));
        var byName = Trained(m => m.Fit(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a },
            new Dictionary<string, Tensor> { ["klass"] = k, ["score"] = s }, batchSize: 16, epochs: 2, shuffle: false, verbose: 0));
        var fromDataset = Trained(m => m.Fit(Dataset.FromTensorSlices([a, b], [s, k]).Batch(16), epochs: 2, verbose: 0));
        // Keras's list form of compile, in output order, is the same compile.
        var listCompiled = TwoHeads();
        listCompiled.Compile(["mse", "sparse_categorical_crossentropy"], new Adam(0.02), metrics: [["mae"], ["accuracy"]], lossWeights: [0.5, 2.0]);
        var hl = listCompiled.Fit([a, b], [s, k], batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        Assert.Contains("klass_accuracy", hl.Keys);
        var expected = byPosition.GetWeights().Select(w => w.ToArray()).ToArray();
        Assert.Equal(expected, byName.GetWeights().Select(w => w.ToArray()).ToArray());
        Assert.Equal(expected, fromDataset.GetWeights().Select(w => w.ToArray()).ToArray());
        Assert.Equal(expected, listCompiled.GetWeights().Select(w => w.ToArray()).ToArray());
        Assert.Equal(byPosition.Evaluate([a, b], [s, k]), fromDataset.Evaluate(Dataset.FromTensorSlices([a, b], [s, k]).Batch(32)));
        var outputs = fromDataset.PredictOutputs(Dataset.FromTensorSlices([a, b], [s, k]).Map(e => e.X).Batch(10));
        Assert.Equal(byPosition.PredictOutputs([a, b])[1].ToArray(), outputs[1].ToArray());
    }

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.h5")]
    public void PerOutputCompileIsSavedAndRestored(string fileName)
    {
        var (a, b, s, k) = Data(32, 5);
        var model = TwoHeads();
        Compile(model);
        model.Fit([a, b], [s, k], epochs: 1, verbose: 0);
        string dir = Directory.CreateTempSubdirectory("graft-multi").FullName;
        try
        {
            string path = Path.Combine(dir, fileName);
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.True(loaded.IsCompiled);
            // The same losses, weights and metrics: the same numbers under the same names.
            var expected = model.Evaluate([a, b], [s, k]);
            var actual = loaded.Evaluate([a, b], [s, k]);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var key in expected.Keys) Assert.Equal(expected[key], actual[key], 6);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void CompileNamesWhatDoesNotMatchTheOutputs()
    {
        var model = TwoHeads();
        var unknown = Assert.Throws<ArgumentException>(() => model.Compile(
            new Dictionary<string, Loss> { ["score"] = "mse", ["klas"] = "mse" }, "sgd"));
        Assert.Contains("'klas'", unknown.Message);
        Assert.Contains("score, klass", unknown.Message);
        var missing = Assert.Throws<ArgumentException>(() => model.Compile(new Dictionary<string, Loss> { ["score"] = "mse" }, "sgd"));
        Assert.Contains("'klass'", missing.Message);
        Assert.Contains("per output", Assert.Throws<ArgumentException>(() => model.Compile("mse", "sgd", ["mae"])).Message);
        Assert.Contains("got 1", Assert.Throws<ArgumentException>(() => model.Compile(["mse"], "sgd")).Message);
        // One loss for every output, as Keras 3 applies it.
        model.Compile("mse", "sgd");
        var (a, b, s, _) = Data(8, 4);
        var h = model.Fit([a, b], [s, Tensor.Zeros(8, 3)], verbose: 0);
        Assert.Contains("klass_loss", h.Keys);
        var wrongCount = Assert.Throws<ArgumentException>(() => model.Fit([a, b], [s], verbose: 0));
        Assert.Contains("score, klass", wrongCount.Message);
    }
}
