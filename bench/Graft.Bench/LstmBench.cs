using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// LSTM(64) over sequences of length 100 (32 features), batch 32, last state into Dense(10 softmax),
/// SGD 1e-3 on 2,048 synthetic samples, beside PyTorch's <c>nn.LSTM</c> on the same task in the same
/// run (bench/peers/torch_lstm.py). Median training samples/s over the timed epochs, one warm-up epoch.
/// </summary>
internal static class LstmBench
{
    private const int Samples = 2048, Steps = 100, Features = 32, Units = 64, Epochs = 5;

    public static void Run(Report report, Peers peers, BenchOptions options)
    {
        int epochs = options.Quick ? 2 : Epochs;
        var peer = peers.RunOwn("torch_lstm.py", $"--samples {Samples} --steps {Steps} --features {Features} --units {Units} --epochs {epochs}", openmp: true)?.FirstOrDefault();
        double? peerTrain = peer?["train_samples_per_s"]?.GetValue<double>();
        string peerName = $"pytorch nn.LSTM (torch {peer?["torch"]}, {peer?["threads"]} threads)";

        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Samples, Steps, Features], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Samples).Select(_ => (float)g.NextInt(10)).ToArray(), Samples);
        var model = new Sequential([new LSTM(Units, inputShape: [Steps, Features]), new Dense(10, activation: "softmax")]);
        model.Compile("sparse_categorical_crossentropy", new SGD(1e-3));
        var (train, _) = Timing.FitRate(model, x, y, 32, epochs);
        report.Add("lstm_train", train, peerTrain, "samples/s", peerName);
    }
}
