using System.Diagnostics;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>
/// Transfer from a real pretrained network: the ImageNet ResNet18 (<see cref="PretrainedBase"/>)
/// against the same network trained from scratch, on the demo's "sandal or shirt?" task from 200
/// images, over several seeds. Keras's recipe: the base frozen under a new sigmoid head (Graft
/// computes the frozen base once per Fit), then optionally the whole network fine-tuned with a low
/// learning rate, BatchNormalization kept in inference mode as Keras's transfer-learning guide does.
/// </summary>
internal static class PretrainedTransferExperiment
{
    /// <summary>Runs it. <paramref name="log"/> receives a line as each phase starts.</summary>
    public static PretrainedTransferResult Run(GeronTransferData data, PretrainedTransferOptions o, Action<string>? log = null)
    {
        log ??= _ => { };
        var clock = Stopwatch.StartNew();
        var (modelPath, preprocessPath) = ResNet18Files.Locate(o.BasePath);
        var pretrained = PretrainedBase.Build(modelPath, preprocessPath, o.ImageSize);
        var weights = pretrained.GetWeights();
        var train = Take(data.TrainB, o.TrainImages);
        var valid = Take(data.ValidB, o.ValidationImages);
        var test = Take(data.TestB, o.TestImages);

        // The frozen base gives the same features in every run: compute the test set's once (the
        // frozen-prefix cache does the same for the training and validation sets inside each Fit).
        log($"ResNet18 (ImageNet) at {o.ImageSize}x{o.ImageSize}: features of {test.X.Shape[0]} test images");
        var testFeatures = pretrained.Predict(test.X);

        var runs = new List<PretrainedTransferRun>();
        for (int s = 0; s < o.Seeds; s++)
        {
            int seed = o.Seed + s;
            GraftContext.Current.SetSeed(seed);
            log($"Seed {seed}: ResNet18 from scratch on {train.X.Shape[0]} images, {o.ScratchEpochs} epochs");
            // clone_model: the same architecture, freshly initialized (and trainable: a frozen model clones frozen).
            pretrained.Trainable = true;
            var scratch = new Sequential([pretrained.Clone(), new Dense(1, activation: "sigmoid")]);
            scratch.Compile(loss: "binary_crossentropy", optimizer: new Adam(1e-3), metrics: ["accuracy"]);
            var scratchHistory = scratch.Fit(train.X, train.Y, epochs: o.ScratchEpochs, validationData: valid, verbose: o.Verbose);
            double scratchTest = scratch.Evaluate(test.X, test.Y)["accuracy"];

            log($"Seed {seed}: pretrained ResNet18 frozen, new head, {o.FrozenEpochs} epochs");
            pretrained.SetWeights(weights);
            pretrained.Trainable = false;
            var head = new Dense(1, activation: "sigmoid");
            var model = new Sequential([pretrained, head]);
            model.Compile(loss: "binary_crossentropy", optimizer: new Adam(1e-3), metrics: ["accuracy"]);
            var frozen = model.Fit(train.X, train.Y, epochs: o.FrozenEpochs, validationData: valid, verbose: o.Verbose);
            var top = new Sequential([head]);
            top.Compile(loss: "binary_crossentropy", optimizer: "adam", metrics: ["accuracy"]);
            double frozenTest = top.Evaluate(testFeatures, test.Y)["accuracy"];

            History? fine = null;
            double? fineTest = null;
            if (o.FineTuneEpochs > 0)
            {
                log($"Seed {seed}: fine-tuning the whole network, {o.FineTuneEpochs} epochs, Adam 1e-5");
                pretrained.Trainable = true;
                // Keras's guide keeps BatchNormalization in inference mode when unfreezing: its
                // statistics from ImageNet would be overwritten by those of a few small batches.
                foreach (var layer in pretrained.Layers.OfType<BatchNormalization>()) layer.Trainable = false;
                model.Compile(loss: "binary_crossentropy", optimizer: new Adam(1e-5), metrics: ["accuracy"]);
                fine = model.Fit(train.X, train.Y, epochs: o.FineTuneEpochs, validationData: valid, verbose: o.Verbose);
                fineTest = model.Evaluate(test.X, test.Y)["accuracy"];
            }
            log($"Seed {seed}: test accuracy from scratch {scratchTest:0.0000}, pretrained {frozenTest:0.0000}"
                + (fineTest is double f ? $", fine-tuned {f:0.0000}" : ""));
            runs.Add(new PretrainedTransferRun(seed, scratchHistory, scratchTest, frozen, frozenTest, fine, fineTest));
        }
        return new PretrainedTransferResult(runs, o.ImageSize, clock.Elapsed.TotalSeconds);
    }

    private static (Tensor X, Tensor Y) Take((Tensor X, Tensor Y) split, int n)
    {
        n = Math.Min(n, split.X.Shape[0]);
        return (split.X[..n], split.Y[..n]);
    }
}
