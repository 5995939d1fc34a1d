using System.Diagnostics;
using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Losses;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// The small CNN (Conv2D 32 3×3 relu, MaxPool 2, Conv2D 64 3×3 relu, MaxPool 2, Flatten, Dense 128
/// relu, Dense 10; SGD 1e-2 momentum 0.9, batch 64, 5,000 synthetic 28×28×1 samples), trained and
/// run by Graft and by PyTorch (cases small_cnn and frozen_trunk, channels-last) in the same run.
/// Method as the peer's: one warm-up epoch, median of 5 timed epochs; inference at batch 256,
/// softmax applied, median of 5 passes.
/// </summary>
internal static class CnnBench
{
    private const int Samples = 5_000;

    public static Sequential SmallCnn() => new([
        new Conv2D(32, [3, 3], activation: "relu", inputShape: [28, 28, 1]),
        new MaxPooling2D([2, 2]),
        new Conv2D(64, [3, 3], activation: "relu"),
        new MaxPooling2D([2, 2]),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(10),
    ]);

    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        int epochs = options.Quick ? 3 : 5;
        var peer = peers.Run("torch_train.py", $"--cases small_cnn,frozen_trunk --channels-last --epochs {epochs} --infer-passes {epochs}", openmp: true);
        JsonObject? P(string c) => peer?.FirstOrDefault(l => l["case"]?.ToString() == c);
        double? Rate(string c, string key) => P(c)?[key]?.GetValue<double>();
        string peerName = $"pytorch small_cnn channels-last ({P("small_cnn")?["blas"]} {P("small_cnn")?["blas_arch"]})";

        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Samples, 28, 28, 1], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Samples).Select(_ => (float)g.NextInt(10)).ToArray(), Samples);

        var model = SmallCnn();
        model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(1e-2, momentum: 0.9));
        if (options.Profile)
        {
            // The same layers as a functional model: the profile walks its nodes.
            var input = Keras.Input([28, 28, 1]);
            var h = input;
            foreach (var layer in SmallCnn().Layers) h = layer.Call(h);
            ResNetBench.Profile(new Model(input, h, "small_cnn"), x[..64], y[..64], "Small CNN", steps: 20);
            return;
        }
        var (train, _) = Timing.FitRate(model, x, y, 64, epochs);
        report.Add("cnn_train", train, Rate("small_cnn", "train_samples_per_s"), "samples/s", peerName);

        void Infer() => Ops.Softmax(model.Predict(x, batchSize: 256));
        Infer();
        var rates = new List<double>();
        for (int i = 0; i < epochs; i++) { var sw = Stopwatch.StartNew(); Infer(); rates.Add(Samples / sw.Elapsed.TotalSeconds); }
        rates.Sort();
        report.Add("cnn_infer", rates[rates.Count / 2], Rate("small_cnn", "infer_samples_per_s"), "samples/s", peerName + ", batch 256");

        foreach (var layer in model.Layers[..^1]) layer.Trainable = false;
        model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(1e-2, momentum: 0.9));
        var (frozenEpoch, frozenOverall) = Timing.FitRate(model, x, y, 64, epochs);
        report.Add("cnn_frozen_train", frozenOverall, Rate("frozen_trunk", "train_samples_per_s"), "samples/s", "pytorch frozen_trunk channels-last",
            new JsonObject { ["frozen_epoch_only_samples_per_s"] = Math.Round(frozenEpoch), ["includes"] = "computing the frozen trunk once per Fit" });
    }
}
