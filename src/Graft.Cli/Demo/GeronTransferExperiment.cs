using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>
/// Géron's transfer-learning experiment (Hands-On Machine Learning, chapter 11), the seed scenario
/// of Graft: train model A on 8 Fashion-MNIST classes, then solve "shirt or sandal?" from 200
/// images, once from scratch (model B) and once reusing A's layers (B on A: frozen, then fine-tuned),
/// over several seeds because one run can flatter either side.
/// </summary>
internal static class GeronTransferExperiment
{
    /// <summary>The model body for the options: Géron's dense network, or the small CNN.</summary>
    public static Sequential Build(Dense head, bool cnn) => cnn ? BuildCnn(head) : Build(head);

    /// <summary>
    /// A small convolutional body: Conv2D 32 3×3 relu, BatchNormalization, MaxPool 2, Conv2D 64
    /// 3×3 relu, BatchNormalization, MaxPool 2, Flatten, Dense 64 relu, then <paramref name="head"/>.
    /// </summary>
    public static Sequential BuildCnn(Dense head) => new([
        new Graft.Layers.Reshaping.Reshape([28, 28, 1], inputShape: [28, 28]),
        new Graft.Layers.Convolutional.Conv2D(32, [3, 3], activation: "relu"),
        new Graft.Layers.Normalization.BatchNormalization(),
        new Graft.Layers.Pooling.MaxPooling2D([2, 2]),
        new Graft.Layers.Convolutional.Conv2D(64, [3, 3], activation: "relu"),
        new Graft.Layers.Normalization.BatchNormalization(),
        new Graft.Layers.Pooling.MaxPooling2D([2, 2]),
        new Flatten(),
        new Dense(64, activation: "relu"),
        head,
    ]);

    /// <summary>Géron's model body: Flatten, Dense 300/100/50/50/50 selu lecun_normal, then <paramref name="head"/>.</summary>
    public static Sequential Build(Dense head)
    {
        var model = new Sequential([new Flatten(inputShape: [28, 28])]);
        foreach (int units in new[] { 300, 100, 50, 50, 50 })
            model.Add(new Dense(units, activation: "selu", kernelInitializer: "lecun_normal"));
        model.Add(head);
        return model;
    }

    /// <summary>
    /// Runs the experiment. <paramref name="log"/> receives a line as each model starts (none when
    /// null); Fit's Keras-style progress (<see cref="GeronTransferOptions.Verbose"/>) goes to
    /// <see cref="GraftContext.ProgressWriter"/>.
    /// </summary>
    public static GeronTransferResult Run(GeronTransferData data, GeronTransferOptions o, Action<string>? log = null)
    {
        log ??= _ => { };
        Directory.CreateDirectory(o.OutputDirectory);

        GraftContext.Current.SetSeed(o.Seed);
        log($"Model A ({(o.Cnn ? "CNN" : "dense")}): 8 classes, {data.TrainA.X.Shape[0]:N0} images, {o.EpochsA} epochs");
        var modelA = Build(new Dense(8, activation: "softmax"), o.Cnn);
        // The dense network follows the book (SGD 1e-3); the CNN learns faster with momentum.
        modelA.Compile(loss: "sparse_categorical_crossentropy", optimizer: o.Cnn ? new SGD(1e-2, momentum: 0.9) : new SGD(learningRate: 1e-3), metrics: ["accuracy"]);
        var historyA = modelA.Fit(data.TrainA.X, data.TrainA.Y, epochs: o.EpochsA, validationData: data.ValidA, verbose: o.Verbose);
        double testA = modelA.Evaluate(data.TestA.X, data.TestA.Y, verbose: 0)["accuracy"];
        string pathA = Path.Combine(o.OutputDirectory, "my_model_A.h5");
        modelA.Save(pathA);

        var runs = new List<GeronTransferRun>();
        for (int s = 0; s < o.Seeds; s++)
        {
            int seed = o.Seed + s;
            GraftContext.Current.SetSeed(seed);
            log($"Seed {seed}: model B from scratch on {data.TrainB.X.Shape[0]} images, {o.EpochsB} epochs");
            var modelB = Build(new Dense(1, activation: "sigmoid"), o.Cnn);
            modelB.Compile(loss: "binary_crossentropy", optimizer: new SGD(learningRate: 1e-3), metrics: ["accuracy"]);
            var historyB = modelB.Fit(data.TrainB.X, data.TrainB.Y, epochs: o.EpochsB, validationData: data.ValidB, verbose: o.Verbose);
            double testB = modelB.Evaluate(data.TestB.X, data.TestB.Y, verbose: 0)["accuracy"];

            // The seed scenario, line for line.
            log($"Seed {seed}: model B on A, {o.FrozenEpochs} epochs frozen, then {o.FineTuneEpochs} epochs fine-tuning");
            Model modelA2 = Model.Load(pathA);
            var modelBOnA = new Sequential(modelA2.Layers[..^1]);
            modelBOnA.Add(new Dense(1, activation: "sigmoid"));
            Model modelAClone = modelA2.Clone();
            modelAClone.SetWeights(modelA2.GetWeights());
            foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = false;
            modelBOnA.Compile(loss: "binary_crossentropy", optimizer: "sgd", metrics: ["accuracy"]);
            var frozen = modelBOnA.Fit(data.TrainB.X, data.TrainB.Y, epochs: o.FrozenEpochs, validationData: data.ValidB, verbose: o.Verbose);
            foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = true;
            modelBOnA.Compile(loss: "binary_crossentropy", optimizer: new SGD(learningRate: 1e-4), metrics: ["accuracy"]);
            var fine = modelBOnA.Fit(data.TrainB.X, data.TrainB.Y, epochs: o.FineTuneEpochs, validationData: data.ValidB, verbose: o.Verbose);
            double testBOnA = modelBOnA.Evaluate(data.TestB.X, data.TestB.Y, verbose: 0)["accuracy"];
            log($"Seed {seed}: test accuracy B {testB:0.0000}, B on A {testBOnA:0.0000}");
            runs.Add(new GeronTransferRun(seed, historyB, testB, frozen, fine, testBOnA));
            if (s == 0)
            {
                modelB.Save(Path.Combine(o.OutputDirectory, "model_B.h5"));
                modelBOnA.Save(Path.Combine(o.OutputDirectory, "model_B_on_A.h5"));
            }
        }
        return new GeronTransferResult(historyA, testA, runs, pathA, o.Cnn);
    }
}
