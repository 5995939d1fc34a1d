using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training.Callbacks;

/// <summary>LambdaCallback calls each delegate at its hook with the hook's logs, in Fit's order.</summary>
public class LambdaCallbackTests
{
    [Fact]
    public void EachDelegateRunsAtItsHook()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => i / 12f).ToArray(), 6, 2);
        var y = Tensor.FromArray([0f, 1, 0, 1, 0, 1], 6, 1);
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "sgd");
        var events = new List<string>();
        var epochLosses = new List<double>();
        var callback = new LambdaCallback(
            onTrainBegin: _ => events.Add("train_begin"),
            onEpochBegin: (e, _) => events.Add($"epoch_begin {e}"),
            onTrainBatchBegin: (b, _) => events.Add($"batch_begin {b}"),
            onTrainBatchEnd: (b, logs) => events.Add($"batch_end {b} {logs.ContainsKey("loss")}"),
            onEpochEnd: (e, logs) => { events.Add($"epoch_end {e}"); epochLosses.Add(logs["loss"]); },
            onTrainEnd: _ => events.Add("train_end"));
        var history = model.Fit(x, y, epochs: 2, batchSize: 4, shuffle: false, callbacks: [callback], verbose: 0);
        Assert.Equal([
            "train_begin",
            "epoch_begin 0", "batch_begin 0", "batch_end 0 True", "batch_begin 1", "batch_end 1 True", "epoch_end 0",
            "epoch_begin 1", "batch_begin 0", "batch_end 0 True", "batch_begin 1", "batch_end 1 True", "epoch_end 1",
            "train_end"], events);
        Assert.Equal(history["loss"], epochLosses);
        // Delegates left out do nothing.
        model.Fit(x, y, epochs: 1, callbacks: [new LambdaCallback()], verbose: 0);
    }

    [Fact]
    public void TestAndPredictDelegatesRunAtTheirHooks()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => i / 12f).ToArray(), 6, 2);
        var y = Tensor.FromArray([0f, 1, 0, 1, 0, 1], 6, 1);
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "sgd");
        var events = new List<string>();
        var callback = new LambdaCallback(
            onTestBegin: _ => events.Add("test_begin"),
            onTestBatchBegin: (b, _) => events.Add($"test_batch_begin {b}"),
            onTestBatchEnd: (b, logs) => events.Add($"test_batch_end {b} {logs.ContainsKey("loss")}"),
            onTestEnd: logs => events.Add($"test_end {logs.ContainsKey("loss")}"),
            onPredictBegin: _ => events.Add("predict_begin"),
            onPredictBatchBegin: (b, _) => events.Add($"predict_batch_begin {b}"),
            onPredictBatchEnd: (b, _) => events.Add($"predict_batch_end {b}"),
            onPredictEnd: _ => events.Add("predict_end"));
        model.Evaluate(x, y, batchSize: 6, callbacks: [callback], verbose: 0);
        model.Predict(x, batchSize: 6, callbacks: [callback], verbose: 0);
        Assert.Equal(["test_begin", "test_batch_begin 0", "test_batch_end 0 True", "test_end True",
            "predict_begin", "predict_batch_begin 0", "predict_batch_end 0", "predict_end"], events);
    }
}
