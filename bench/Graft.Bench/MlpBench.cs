using System.Diagnostics;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// Géron's model A (Flatten, Dense 300/100/50/50/50 selu lecun_normal, Dense 8 softmax; SGD 1e-3,
/// batch 32, 10,000 synthetic samples), trained and run by Graft and by PyTorch (case geron_A) in
/// the same run. Method as the peer's: one warm-up epoch, median of 5 timed epochs of the same Fit
/// (each reshuffles), inference at batch 256 over the whole set, median of 5 passes.
/// </summary>
internal static class MlpBench
{
    private const int Samples = 10_000, Epochs = 5;

    public static Sequential ModelA()
    {
        var model = new Sequential([new Flatten(inputShape: [28, 28])]);
        foreach (int units in new[] { 300, 100, 50, 50, 50 })
            model.Add(new Dense(units, activation: "selu", kernelInitializer: "lecun_normal"));
        model.Add(new Dense(8, activation: "softmax"));
        return model;
    }

    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        int epochs = options.Quick ? 3 : Epochs;
        var peer = peers.Run("torch_train.py", $"--cases geron_A --epochs {epochs} --infer-passes {epochs}", openmp: true)?.FirstOrDefault();
        double? peerTrain = peer?["train_samples_per_s"]?.GetValue<double>(), peerInfer = peer?["infer_samples_per_s"]?.GetValue<double>();
        string peerName = $"pytorch geron_A ({peer?["blas"]} {peer?["blas_arch"]})";

        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Samples, 28, 28], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Samples).Select(_ => (float)g.NextInt(8)).ToArray(), Samples);

        var model = ModelA();
        model.Compile("sparse_categorical_crossentropy", new SGD(1e-3));
        var (train, _) = Timing.FitRate(model, x, y, 32, epochs);
        report.Add("mlp_train", train, peerTrain, "samples/s", peerName);

        model.Predict(x, batchSize: 256);
        var infer = new List<double>();
        for (int i = 0; i < epochs; i++)
        {
            var sw = Stopwatch.StartNew();
            model.Predict(x, batchSize: 256);
            infer.Add(Samples / sw.Elapsed.TotalSeconds);
        }
        infer.Sort();
        report.Add("mlp_infer", infer[infer.Count / 2], peerInfer, "samples/s", peerName + ", batch 256");

        foreach (var layer in model.Layers[..^1]) layer.Trainable = false;
        model.Compile("sparse_categorical_crossentropy", new SGD(1e-3));
        // Frozen layers' outputs are computed once per Fit, before the first epoch; the whole Fit's
        // rate (that work included) is the one compared with an unfrozen epoch.
        var (frozenEpoch, frozenOverall) = Timing.FitRate(model, x, y, 32, epochs);
        report.Add("frozen_train", frozenOverall, peerTrain, "samples/s", peerName + " (unfrozen)",
            new JsonObject
            {
                ["epoch_time_vs_unfrozen"] = Math.Round(train / frozenOverall, 3),
                ["target_epoch_time_vs_unfrozen"] = 0.4,
                ["frozen_epoch_only_samples_per_s"] = Math.Round(frozenEpoch),
            });
    }
}
