using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Regularizers;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training;

/// <summary>Fit, Evaluate, Predict and callbacks on small synthetic problems.</summary>
public class FitTests
{
    /// <summary>Two Gaussian blobs: label 1 when x0 + x1 &gt; 0.</summary>
    private static (Tensor X, Tensor Y) Blobs(int n, int seed)
    {
        var g = new Generator(seed);
        var x = Tensor.RandomNormal([n, 2], generator: g);
        var d = x.ToArray();
        var y = Enumerable.Range(0, n).Select(i => d[2 * i] + d[2 * i + 1] > 0 ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, n, 1));
    }

    private static Sequential Net(int seedHidden = 1) => new([
        new Dense(8, activation: "relu", inputShape: [2], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = seedHidden }),
        new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = seedHidden + 1 })]);

    [Fact]
    public void LearnsASeparableProblemAndReportsPerEpoch()
    {
        using var context = new GraftContext(seed: 1).Use();
        var (x, y) = Blobs(512, 1);
        var model = Net();
        model.Compile("binary_crossentropy", new Adam(0.05), ["accuracy", "auc"]);
        var h = model.Fit(x, y, epochs: 5, validationSplit: 0.25, verbose: 0);
        Assert.Equal(["accuracy", "auc", "loss", "val_accuracy", "val_auc", "val_loss"], h.Keys.Order());
        Assert.All(h.HistoryDict.Values, v => Assert.Equal(5, v.Count));
        Assert.True(h["loss"][^1] < h["loss"][0]);
        Assert.True(h["val_accuracy"][^1] > 0.9, $"val_accuracy {h["val_accuracy"][^1]}");
        var scores = model.Evaluate(x, y);
        Assert.True(scores["accuracy"] > 0.9);
        var p = model.Predict(x, batchSize: 100);
        Assert.Equal(new Shape(512, 1), p.Shape);
        // Predict in batches equals one big call.
        Assert.Equal(model.Call(x).ToArray(), p.ToArray());
    }

    [Fact]
    public void SameSeedSameRun()
    {
        float[] Train()
        {
            using var context = new GraftContext(seed: 7).Use();
            var (x, y) = Blobs(128, 2);
            var model = new Sequential([new Dense(4, activation: "tanh", inputShape: [2]), new Dropout(0.3f), new Dense(1, activation: "sigmoid")]);
            model.Compile("binary_crossentropy", "sgd");
            model.Fit(x, y, epochs: 2, verbose: 0);
            return model.GetWeights()[0].ToArray();
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void RegularizationAddsToTheLoss()
    {
        var (x, y) = Blobs(64, 3);
        var model = new Sequential([new Dense(1, activation: "sigmoid", inputShape: [2], kernelRegularizer: new L2(0.5f), biasInitializer: "zeros")]);
        model.Compile("binary_crossentropy", "sgd");
        var w = model.GetWeights()[0].ToArray();
        double penalty = 0.5 * w.Sum(v => (double)v * v);
        var plain = new Sequential([new Dense(1, activation: "sigmoid", inputShape: [2])]);
        plain.SetWeights(model.GetWeights());
        plain.Compile("binary_crossentropy", "sgd");
        Assert.Equal(plain.Evaluate(x, y)["loss"] + penalty, model.Evaluate(x, y)["loss"], 5);
    }

    [Fact]
    public void ConstraintsHoldAfterEachStep()
    {
        var (x, y) = Blobs(64, 4);
        var model = new Sequential([new Dense(3, inputShape: [2], kernelConstraint: new Graft.Constraints.NonNeg()), new Dense(1, activation: "sigmoid")]);
        model.Compile("binary_crossentropy", new SGD(0.5));
        model.Fit(x, y, epochs: 2, verbose: 0);
        Assert.All(model.GetWeights()[0].ToArray(), v => Assert.True(v >= 0));
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeights()
    {
        var (x, y) = Blobs(64, 5);
        var model = Net();
        model.Compile("binary_crossentropy", new SGD(0.0));          // nothing improves
        var stop = new EarlyStopping(monitor: "loss", minDelta: 1e-4, patience: 1, restoreBestWeights: true);
        var h = model.Fit(x, y, epochs: 10, callbacks: [stop], verbose: 0);
        Assert.Equal(2, h["loss"].Count);
        Assert.Equal(1, stop.StoppedEpoch);
        Assert.Equal(0, stop.BestEpoch);
    }

    [Fact]
    public void LearningRateCallbacks()
    {
        var (x, y) = Blobs(64, 6);
        var model = Net();
        var opt = new SGD(0.1);
        model.Compile("binary_crossentropy", opt);
        model.Fit(x, y, epochs: 3, callbacks: [new LearningRateScheduler((epoch, lr) => 0.1 / (epoch + 1))], verbose: 0);
        Assert.Equal(0.1 / 3, opt.LearningRate, 10);
        var plateau = new SGD(0.0);
        model.Compile("binary_crossentropy", plateau);
        plateau.LearningRate = 0.0;
        var rop = new ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 1, minDelta: 1.0);
        plateau.LearningRate = 0.2;
        model.Fit(x, y, epochs: 3, callbacks: [rop], verbose: 0, batchSize: 64);
        Assert.True(plateau.LearningRate < 0.2);
    }

    [Fact]
    public void CsvLoggerAndTerminateOnNaN()
    {
        var (x, y) = Blobs(64, 8);
        var model = Net();
        model.Compile("binary_crossentropy", "sgd", ["accuracy"]);
        var path = Path.Combine(Path.GetTempPath(), $"graft-log-{Guid.NewGuid():N}.csv");
        try
        {
            model.Fit(x, y, epochs: 2, callbacks: [new CSVLogger(path)], verbose: 0);
            var lines = File.ReadAllLines(path);
            Assert.Equal("epoch,accuracy,loss", lines[0]);
            Assert.Equal(3, lines.Length);
        }
        finally { File.Delete(path); }
        model.Compile("mse", new SGD(1e30));
        var h = model.Fit(x, Tensor.Full(1e20f, 64, 1), epochs: 3, callbacks: [new TerminateOnNaN()], verbose: 0);
        Assert.True(h["loss"].Count <= 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CachingFrozenLayersGivesTheSameTrainingAsRerunningThem(bool withDropoutOnTop)
    {
        float[][] Train(bool cache)
        {
            using var context = new GraftContext(seed: 3).Use();
            var (x, y) = Blobs(200, 10);
            var trunk1 = new Dense(16, activation: "selu", inputShape: [2], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 });
            var trunk2 = new Dense(8, activation: "relu", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 });
            var model = new Sequential([trunk1, trunk2]);
            if (withDropoutOnTop) model.Add(new Dropout(0.2f, seed: 5));
            model.Add(new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 }));
            trunk1.Trainable = false; trunk2.Trainable = false;
            model.CacheFrozenLayers = cache;
            model.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
            var h = model.Fit(x, y, epochs: 3, validationSplit: 0.2, verbose: 0);
            return [.. model.GetWeights().Select(w => w.ToArray()), h["val_loss"].Select(v => (float)v).ToArray()];
        }
        var cached = Train(true); var rerun = Train(false);
        Assert.Equal(rerun.Length, cached.Length);
        for (int i = 0; i < rerun.Length; i++) Assert.Equal(rerun[i], cached[i]);
    }

    [Fact]
    public void ModelCheckpointSavesTheBestEpochs()
    {
        var (x, y) = Blobs(128, 11);
        var model = Net();
        model.Compile("binary_crossentropy", new Adam(0.05), ["accuracy"]);
        string dir = Directory.CreateTempSubdirectory("graft-ckpt").FullName;
        try
        {
            var ckpt = new ModelCheckpoint(Path.Combine(dir, "best.keras"), monitor: "val_accuracy", saveBestOnly: true);
            var every = new ModelCheckpoint(Path.Combine(dir, "w-{epoch:02d}-{val_loss:.2f}.weights.h5"), saveWeightsOnly: true);
            var h = model.Fit(x, y, epochs: 3, validationData: (x, y), callbacks: [ckpt, every], verbose: 0);
            Assert.Equal(h["val_accuracy"].Max(), ckpt.Best, 10);
            var best = Graft.Models.Model.Load(Path.Combine(dir, "best.keras"));
            Assert.Equal(ckpt.Best, best.Evaluate(x, y)["accuracy"], 5);
            var names = Directory.GetFiles(dir, "w-*.weights.h5").Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(3, names.Length);
            Assert.StartsWith("w-01-", names[0]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ModelCheckpointRefusesWeightsOnlyToAKerasPath()
    {
        // Keras 3 refuses save_weights_only with a path that does not name a weights file.
        var e = Assert.Throws<ArgumentException>(() => new ModelCheckpoint("ckpt-{epoch}.keras", saveWeightsOnly: true));
        Assert.Contains(".weights.h5", e.Message);
    }

    [Fact]
    public void ProgressDisplayLooksLikeKeras()
    {
        var (x, y) = Blobs(64, 9);
        var model = Net();
        model.Compile("binary_crossentropy", "sgd", ["accuracy"]);
        string text;
        using (var capture = new LogCapture(progress: true))
        {
            model.Fit(x, y, epochs: 2, validationData: (x, y));
            text = capture.Progress.ToString();
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/2", lines[0].Trim());
        Assert.Matches(@"^2/2 ━+ \d+s \d+(ms|us|s)/step - \d+ samples/s - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$", lines[1].Trim());
        Assert.Equal("Epoch 2/2", lines[2].Trim());
    }
}
