using Graft.Cli.Demo;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tests.Testing;

namespace Graft.Tests.Models;

/// <summary>Transfer with a small CNN on Fashion-MNIST, as in the seed: frozen BatchNormalization stays put.</summary>
public class CnnTransferTests
{
    [Fact]
    public void FrozenBatchNormStatisticsAreBitIdenticalAndTransferHelps()
    {
        using var context = new GraftContext(seed: 5).Use();
        var data = GeronTransferData.From(RepositoryData.Fashion);
        var (xA, yA) = (data.TrainA.X[..3000], data.TrainA.Y[..3000]);
        var modelA = GeronTransferExperiment.BuildCnn(new Dense(8, activation: "softmax"));
        modelA.Compile("sparse_categorical_crossentropy", new SGD(1e-2, momentum: 0.9), ["accuracy"]);
        modelA.Fit(xA, yA, epochs: 1, verbose: 0);

        var modelBOnA = new Sequential(modelA.Layers[..^1]);
        modelBOnA.Add(new Dense(1, activation: "sigmoid"));
        foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = false;
        modelBOnA.Compile("binary_crossentropy", "sgd", ["accuracy"]);
        var bns = modelBOnA.Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(2, bns.Count);
        var before = bns.SelectMany(b => b.GetWeights()).Select(w => w.ToArray()).ToList();
        var h = modelBOnA.Fit(data.TrainB.X, data.TrainB.Y, epochs: 4, validationData: data.ValidB, verbose: 0);
        var after = bns.SelectMany(b => b.GetWeights()).Select(w => w.ToArray()).ToList();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i], after[i]);

        // Unfrozen, BatchNormalization trains again: its moving statistics move.
        foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = true;
        modelBOnA.Compile("binary_crossentropy", new SGD(1e-4), ["accuracy"]);
        modelBOnA.Fit(data.TrainB.X, data.TrainB.Y, epochs: 1, verbose: 0);
        Assert.NotEqual(before[2], bns[0].MovingMean!.Value.ToArray());

        double accuracy = modelBOnA.Evaluate(data.TestB.X, data.TestB.Y)["accuracy"];
        Assert.True(accuracy > 0.8, $"B on A (CNN) test accuracy {accuracy}");
        Assert.Equal(4, h["val_accuracy"].Count);
    }
}
