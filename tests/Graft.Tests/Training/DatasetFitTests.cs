using Graft.Datasets;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Training;

/// <summary>Fit, Evaluate and Predict reading datasets, against the same runs on arrays.</summary>
public class DatasetFitTests
{
    private static (Tensor X, Tensor Y) Blobs(int n, int seed)
    {
        var g = new Generator(seed);
        var x = Tensor.RandomNormal([n, 2], generator: g);
        var d = x.ToArray();
        var y = Enumerable.Range(0, n).Select(i => d[2 * i] + d[2 * i + 1] > 0 ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, n, 1));
    }

    private static Sequential Net() => new([
        new Dense(8, activation: "relu", inputShape: [2], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }),
        new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 })]);

    private static float[][] Weights(Model m) => m.GetWeights().Select(w => w.ToArray()).ToArray();

    [Fact]
    public void FitOnADatasetMatchesFitOnTheSameBatchesOfArrays()
    {
        var (x, y) = Blobs(100, 1);
        var (xv, yv) = Blobs(40, 2);
        var onArrays = Net();
        onArrays.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
        var ha = onArrays.Fit(x, y, batchSize: 16, epochs: 3, validationData: (xv, yv), shuffle: false, verbose: 0);

        var onDataset = Net();
        onDataset.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
        var train = Dataset.FromTensorSlices(x, y).Batch(16).Prefetch(2);
        var hd = onDataset.Fit(train, epochs: 3, validationData: Dataset.FromTensorSlices(xv, yv).Batch(16), verbose: 0);

        Assert.Equal(Weights(onArrays), Weights(onDataset));
        Assert.Equal(ha.Keys.Order(), hd.Keys.Order());
        foreach (var k in ha.Keys) Assert.Equal(ha[k], hd[k]);
        Assert.Equal(onArrays.Evaluate(xv, yv, batchSize: 7), onDataset.Evaluate(Dataset.FromTensorSlices(xv, yv).Batch(7)));
        Assert.Equal(onArrays.Predict(xv).ToArray(), onDataset.Predict(Dataset.FromTensorSlices(xv).Batch(9)).ToArray());
        Assert.Equal(onArrays.Predict(xv).ToArray(), onDataset.Predict(Dataset.FromTensorSlices(xv, yv).Batch(64)).ToArray());
    }

    [Fact]
    public void AShuffledDatasetLearnsAndAGeneratorOfUnknownLengthWorks()
    {
        using var context = new GraftContext(seed: 3).Use();
        var (x, y) = Blobs(256, 3);
        var model = Net();
        model.Compile("binary_crossentropy", new Adam(0.05), ["accuracy"]);
        var h = model.Fit(Dataset.FromTensorSlices(x, y).Shuffle(256, seed: 1).Batch(32), epochs: 6, verbose: 0);
        Assert.True(h["accuracy"][^1] > 0.9, $"accuracy {h["accuracy"][^1]}");

        // A generator has no known length: the first epoch learns it.
        IEnumerable<(Tensor, Tensor)> Batches()
        {
            for (int s = 0; s < 256; s += 64) yield return (x[s..(s + 64)], y[s..(s + 64)]);
        }
        string text;
        using (var capture = new LogCapture(progress: true))
        {
            model.Fit(Dataset.FromGenerator(Batches), epochs: 2, verbose: 1);
            text = capture.Progress.ToString();
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Matches(@"^4/4 ━+ \d+s \d+(ms|us|s)/step - \d+ samples/s - accuracy: \d\.\d{4} - loss: \d\.\d{4}$", lines[1]);
        Assert.StartsWith("4/4 ", lines[3]);
    }

    [Fact]
    public void BadDatasetsAreNamedErrors()
    {
        var (x, y) = Blobs(20, 4);
        var model = Net();
        model.Compile("binary_crossentropy", "sgd");
        // Unbatched samples reach the first layer without their batch axis: it names itself and the shape.
        var unbatched = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x, y), verbose: 0));
        Assert.Contains("Dense", unbatched.Message);
        Assert.Contains("Model.Fit", Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x, y).Take(0).Batch(4), verbose: 0)).Message);
        Assert.Contains("endless", Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x, y).Batch(4).Repeat(), verbose: 0)).Message);
        var wrongTargets = Dataset.FromTensorSlices(x, Tensor.Zeros(20, 3)).Batch(4);
        Assert.Contains("(None, 1)", Assert.Throws<ArgumentException>(() => model.Fit(wrongTargets, verbose: 0)).Message);
        Assert.Throws<InvalidOperationException>(() => Net().Fit(Dataset.FromTensorSlices(x, y).Batch(4), verbose: 0));
    }

    /// <summary>An identity layer that counts its forward passes.</summary>
    private sealed class Counting : Layer
    {
        public int Calls;

        public Counting() : base(null) { }

        protected override Tensor Forward(Tensor inputs, bool training) { Interlocked.Increment(ref Calls); return inputs; }
    }

    private static (Sequential Model, Counting Counter) FrozenBase(bool noiseFirst, bool cache)
    {
        var counter = new Counting();
        var frozen = new Dense(16, activation: "relu", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 5 }) { Trainable = false };
        var layers = new List<Layer>();
        if (noiseFirst) layers.Add(new GaussianNoise(0.1f, seed: 9));
        layers.AddRange([counter, frozen, new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 6 })]);
        var model = new Sequential(layers) { CacheFrozenLayers = cache };
        model.Build([null, 2]);
        model.Compile("binary_crossentropy", new SGD(0.1), ["accuracy"]);
        return (model, counter);
    }

    [Fact]
    public void FrozenLayersAreComputedOnceForAShuffledDatasetWithTheSameResult()
    {
        var (x, y) = Blobs(128, 5);
        var (xv, yv) = Blobs(32, 6);
        (float[][] Weights, IReadOnlyList<double> ValLoss, int Calls) Run(bool cache)
        {
            var (model, counter) = FrozenBase(noiseFirst: false, cache);
            var train = Dataset.FromTensorSlices(x, y).Shuffle(64, seed: 11).Batch(16).Prefetch(2);
            var h = model.Fit(train, epochs: 3, validationData: Dataset.FromTensorSlices(xv, yv).Batch(16), verbose: 0);
            return (Weights(model), h["val_loss"], counter.Calls);
        }
        var cached = Run(true);
        var rerun = Run(false);
        Assert.Equal(rerun.Weights, cached.Weights);
        Assert.Equal(rerun.ValLoss, cached.ValLoss);
        // 3 epochs of 8 training and 2 validation steps re-run the base 30 times; the cache runs it a few times in all.
        Assert.True(rerun.Calls >= 30, $"re-run: {rerun.Calls} calls");
        Assert.True(cached.Calls <= 8, $"cached: {cached.Calls} calls");
    }

    [Fact]
    public void TheCacheIsSkippedWhenSamplesChangeFromPassToPass()
    {
        var (x, y) = Blobs(128, 7);
        // Augmentation in the model below the frozen base: its output differs at every step.
        var (noisy, noisyCounter) = FrozenBase(noiseFirst: true, cache: true);
        noisy.Fit(Dataset.FromTensorSlices(x, y).Batch(16), epochs: 3, verbose: 0);
        Assert.True(noisyCounter.Calls >= 24, $"augmentation first: {noisyCounter.Calls} calls");

        // A random map in the data pipeline: each pass gives other samples.
        var g = new Generator(1);
        var (model, counter) = FrozenBase(noiseFirst: false, cache: true);
        var jittered = Dataset.FromTensorSlices(x, y).Map(e => (e.X + Tensor.RandomNormal([2], stddev: 0.1f, generator: g), e.Y)).Batch(16);
        model.Fit(jittered, epochs: 3, verbose: 0);
        Assert.True(counter.Calls >= 24, $"random map: {counter.Calls} calls");
    }
}
