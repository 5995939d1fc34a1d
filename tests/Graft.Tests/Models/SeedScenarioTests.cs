using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Training;

namespace Graft.Tests.Models;

/// <summary>
/// The seed scenario of DEVELOPERS.md (Géron, chapter 11) on real Fashion-MNIST, written exactly
/// as the Keras original, on a subset so that it runs in seconds.
/// </summary>
public class SeedScenarioTests
{
    /// <summary>Géron's split: task A drops sandals (5) and shirts (6) and renumbers 7..9 to 5..7; task B is "shirt?" on those two.</summary>
    private static ((Tensor X, Tensor Y) A, (Tensor X, Tensor Y) B) Split(Tensor x, Tensor y)
    {
        var labels = y.ToArray();
        var a = Enumerable.Range(0, labels.Length).Where(i => labels[i] is not (5 or 6)).ToArray();
        var b = Enumerable.Range(0, labels.Length).Where(i => labels[i] is 5 or 6).ToArray();
        var yA = a.Select(i => labels[i] > 6 ? labels[i] - 2 : labels[i]).ToArray();
        var yB = b.Select(i => labels[i] == 6 ? 1f : 0f).ToArray();
        return ((x.Gather(a), Tensor.FromArray(yA, yA.Length)), (x.Gather(b), Tensor.FromArray(yB, yB.Length)));
    }

    private static Sequential BuildModelA()
    {
        var model = new Sequential([new Flatten(inputShape: [28, 28])]);
        foreach (int units in new[] { 300, 100, 50, 50, 50 })
            model.Add(new Dense(units, activation: "selu", kernelInitializer: "lecun_normal"));
        model.Add(new Dense(8, activation: "softmax"));
        return model;
    }

    [Fact]
    public void TransferLearningWorkflowBehavesAsInKeras()
    {
        using var context = new GraftContext(seed: 42).Use();
        var ((xTrainFull, yTrainFull), (xTest, yTest)) = RepositoryData.Fashion;
        var xTrain = xTrainFull[5000..11000] / 255f; var yTrain = yTrainFull[5000..11000];
        var xValid = xTrainFull[..2000] / 255f; var yValid = yTrainFull[..2000];
        var ((xTrainA, yTrainA), (xTrainB, yTrainB)) = Split(xTrain, yTrain);
        var ((xValidA, yValidA), (xValidB, yValidB)) = Split(xValid, yValid);
        var (_, (xTestB, yTestB)) = Split(xTest[..2000] / 255f, yTest[..2000]);
        xTrainB = xTrainB[..200]; yTrainB = yTrainB[..200];

        // Model A on task A.
        Model modelA = BuildModelA();
        modelA.Compile(loss: "sparse_categorical_crossentropy", optimizer: new SGD(learningRate: 1e-2), metrics: ["accuracy"]);
        var historyA = modelA.Fit(xTrainA, yTrainA, epochs: 3, validationData: (xValidA, yValidA), verbose: 0);
        Assert.Equal(3, historyA["val_accuracy"].Count);
        Assert.True(historyA["val_accuracy"][^1] > 0.5, $"model A learned task A: val_accuracy {historyA["val_accuracy"][^1]}");

        // The seed code, line for line.
        var modelBOnA = new Sequential(modelA.Layers[..^1]);
        modelBOnA.Add(new Dense(1, activation: "sigmoid"));

        Model modelAClone = modelA.Clone();
        modelAClone.SetWeights(modelA.GetWeights());

        foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = false;
        modelBOnA.Compile(loss: "binary_crossentropy", optimizer: "sgd", metrics: ["accuracy"]);
        var frozenBefore = modelBOnA.Layers[..^1].SelectMany(l => l.GetWeights()).Select(t => t.ToArray()).ToList();
        var headBefore = modelBOnA.Layers[^1].GetWeights()[0].ToArray();
        History history = modelBOnA.Fit(xTrainB, yTrainB, epochs: 4, validationData: (xValidB, yValidB), verbose: 0);

        // Phase one: frozen weights are bit-identical, the head moved, one history entry per epoch.
        var frozenAfter = modelBOnA.Layers[..^1].SelectMany(l => l.GetWeights()).Select(t => t.ToArray()).ToList();
        Assert.Equal(frozenBefore.Count, frozenAfter.Count);
        for (int i = 0; i < frozenBefore.Count; i++) Assert.Equal(frozenBefore[i], frozenAfter[i]);
        Assert.NotEqual(headBefore, modelBOnA.Layers[^1].GetWeights()[0].ToArray());
        Assert.Equal(4, history["loss"].Count);
        Assert.Equal(4, history["val_accuracy"].Count);

        // The reused layers are model A's own objects: frozen in B means frozen in A too.
        Assert.Same(modelA.Layers[1], modelBOnA.Layers[1]);
        Assert.False(modelA.Layers[1].Trainable);

        foreach (var layer in modelBOnA.Layers[..^1]) layer.Trainable = true;
        modelBOnA.Compile(loss: "binary_crossentropy", optimizer: new SGD(learningRate: 1e-4), metrics: ["accuracy"]);
        var sharedBefore = modelA.Layers[1].GetWeights()[0].ToArray();
        var cloneBefore = modelAClone.Layers[1].GetWeights()[0].ToArray();
        Assert.Equal(sharedBefore, cloneBefore);
        history = modelBOnA.Fit(xTrainB, yTrainB, epochs: 3, validationData: (xValidB, yValidB), verbose: 0);
        IReadOnlyList<double> valAccuracy = history["val_accuracy"];
        Assert.Equal(3, valAccuracy.Count);

        // Phase two: fine-tuning changed the shared layers of model A; the clone kept its own copy.
        Assert.NotEqual(sharedBefore, modelA.Layers[1].GetWeights()[0].ToArray());
        Assert.Equal(cloneBefore, modelAClone.Layers[1].GetWeights()[0].ToArray());

        IReadOnlyDictionary<string, double> scores = modelBOnA.Evaluate(xTestB, yTestB);
        Assert.Equal(["accuracy", "loss"], scores.Keys.Order());
        Console.WriteLine($"seed scenario: model A val_accuracy {historyA["val_accuracy"][^1]:F4}, B on A test accuracy {scores["accuracy"]:F4}");
        Assert.True(scores["accuracy"] > 0.8, $"B on A separates shirts from sandals: accuracy {scores["accuracy"]}");
        Tensor probabilities = modelBOnA.Predict(xTestB);
        Assert.Equal(new Shape(xTestB.Shape[0], 1), probabilities.Shape);
        Assert.All(probabilities.ToArray(), p => Assert.InRange(p, 0f, 1f));
        long total = modelBOnA.CountParams();
        Assert.Equal(275_801, total);
    }

    [Fact]
    public void SummaryOfGeronsModelBShowsKerasCounts()
    {
        var modelB = new Sequential([new Flatten(inputShape: [28, 28])], name: "model_b");
        foreach (int units in new[] { 300, 100, 50, 50, 50 }) modelB.Add(new Dense(units, activation: "selu"));
        modelB.Add(new Dense(1, activation: "sigmoid"));
        string text = modelB.Summary(_ => { });
        Assert.Contains("Model: \"model_b\"", text);
        Assert.Contains("(None, 784)", text);
        Assert.Contains("235,500", text);
        Assert.Contains(" Total params: 275,801 (1.05 MB)", text);
        Assert.Contains(" Trainable params: 275,801 (1.05 MB)", text);
        Assert.Contains(" Non-trainable params: 0 (0.00 B)", text);

        foreach (var layer in modelB.Layers[..^1]) layer.Trainable = false;
        text = modelB.Summary(_ => { });
        Assert.Contains(" Trainable params: 51 (204.00 B)", text);
        Assert.Contains(" Non-trainable params: 275,750 (1.05 MB)", text);
    }
}
