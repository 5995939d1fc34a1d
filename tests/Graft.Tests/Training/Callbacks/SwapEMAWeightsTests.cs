using Graft.Layers.Core;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training.Callbacks;

/// <summary>SwapEMAWeights puts the optimizer's moving averages into the model for evaluation, and takes them out again.</summary>
public class SwapEMAWeightsTests
{
    private static (Sequential Model, Tensor X, Tensor Y) Net(Optimizer optimizer)
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (i % 5) / 5f - 0.3f).ToArray(), 12, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)(i % 2)).ToArray(), 12, 1);
        var model = new Sequential([new Dense(3, activation: "tanh", inputShape: [2]), new Dense(1, activation: "sigmoid")]);
        model.Compile("binary_crossentropy", optimizer);
        return (model, x, y);
    }

    private static float[][] Weights(Model m) => [.. m.TrainableWeights.Select(v => v.Value.ToArray())];

    private static float[][] Averages(Model m) => [.. m.TrainableWeights.Select(v => m.Optimizer!.AverageFor(v).ToArray())];

    [Fact]
    public void ValidationAndPredictionSeeTheAveragesAndTrainingTheWeights()
    {
        var (model, x, y) = Net(new Adam(0.05) { UseEma = true, EmaMomentum = 0.5 });
        var seen = new List<string>();
        float[][]? weights = null, averages = null;
        var before = new LambdaCallback(
            onTestBegin: _ => (weights, averages) = (Weights(model), Averages(model)),
            onPredictBegin: _ => (weights, averages) = (Weights(model), Averages(model)));
        var after = new LambdaCallback(
            onTestBegin: _ => { Assert.Equal(averages, Weights(model)); Assert.Equal(weights, Averages(model)); seen.Add("test"); },
            onTestEnd: _ => { Assert.Equal(weights, Weights(model)); seen.Add("test_end"); },
            onPredictBegin: _ => { Assert.Equal(averages, Weights(model)); seen.Add("predict"); },
            onPredictEnd: _ => { Assert.Equal(weights, Weights(model)); seen.Add("predict_end"); });
        // The swap's own OnTestEnd runs before `after`'s: the order of the list.
        model.Fit(x, y, batchSize: 4, epochs: 2, validationSplit: 0.25, shuffle: false, verbose: 0, callbacks: [before, new SwapEMAWeights(), after]);
        Assert.Equal(["test", "test_end", "test", "test_end"], seen);
        Assert.NotEqual(weights, averages);
        var final = Weights(model);
        model.Predict(x, verbose: 0, callbacks: [before, new SwapEMAWeights(), after]);
        Assert.Equal(final, Weights(model));
        Assert.Equal(["test", "test_end", "test", "test_end", "predict", "predict_end"], seen);
    }

    [Fact]
    public void SwapOnEpochHoldsTheAveragesBetweenEpochsAndFitEndsOnThem()
    {
        var (model, x, y) = Net(new Adam(0.05) { UseEma = true, EmaMomentum = 0.5 });
        var atEpochEnd = new List<float[][]>();
        var averagesAtEpochEnd = new List<float[][]>();
        var probe = new LambdaCallback(onEpochEnd: (_, _) => { atEpochEnd.Add(Weights(model)); averagesAtEpochEnd.Add(Averages(model)); });
        var before = new LambdaCallback(onEpochEnd: (_, _) => averagesAtEpochEnd.Add(Averages(model)));
        model.Fit(x, y, batchSize: 4, epochs: 3, shuffle: false, verbose: 0, callbacks: [before, new SwapEMAWeights(swapOnEpoch: true), probe]);
        // Each epoch's end: the model holds what the averages held just before.
        for (int e = 0; e < 3; e++) Assert.Equal(averagesAtEpochEnd[2 * e], atEpochEnd[e]);
        // And Fit ends on the averages of the last epoch.
        Assert.Equal(averagesAtEpochEnd[4], Weights(model));
    }

    [Fact]
    public void WithoutUseEmaItSaysWhatIsMissing()
    {
        var (model, x, y) = Net(new Adam(0.05));
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 1, validationSplit: 0.25, verbose: 0, callbacks: [new SwapEMAWeights()]));
        Assert.Contains("expected a model compiled with an optimizer with UseEma = true, got Adam with UseEma = false", e.Message);
    }
}
