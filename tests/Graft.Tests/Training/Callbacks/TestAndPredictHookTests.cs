using Graft.Datasets;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training.Callbacks;

/// <summary>
/// The test and predict hooks run as Keras runs them: Evaluate and Predict call their callbacks'
/// hooks around each batch, Fit's validation calls the test hooks of Fit's callbacks, and the
/// progress bar is a public ProgbarLogger that a caller may pass in.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class TestAndPredictHookTests
{
    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];
        public List<IReadOnlyDictionary<string, double>> TestEnds { get; } = [];

        private static string L(IReadOnlyDictionary<string, double> logs) => string.Join(",", logs.Keys.Order(StringComparer.Ordinal));

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => Events.Add($"epoch_end {epoch}");
        public override void OnTestBegin(IReadOnlyDictionary<string, double> logs) => Events.Add("test_begin");
        public override void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => Events.Add($"test_batch_begin {batch}");
        public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Events.Add($"test_batch_end {batch} {L(logs)}");
        public override void OnTestEnd(IReadOnlyDictionary<string, double> logs)
        {
            Events.Add($"test_end {L(logs)}");
            TestEnds.Add(new Dictionary<string, double>(logs));
        }
        public override void OnPredictBegin(IReadOnlyDictionary<string, double> logs) => Events.Add($"predict_begin {Params.Steps}");
        public override void OnPredictBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => Events.Add($"predict_batch_begin {batch}");
        public override void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Events.Add($"predict_batch_end {batch}");
        public override void OnPredictEnd(IReadOnlyDictionary<string, double> logs) => Events.Add("predict_end");
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * n).Select(i => (i % 7) / 7f - 0.4f).ToArray(), n, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % 2)).ToArray(), n, 1);
        return (x, y);
    }

    private static Sequential Net()
    {
        var model = new Sequential([new Dense(1, activation: "sigmoid", inputShape: [2])]);
        model.Compile("binary_crossentropy", "sgd", ["accuracy"]);
        return model;
    }

    [Fact]
    public void FitsValidationCallsTheTestHooksOfFitsCallbacks()
    {
        var (x, y) = Data(6);
        var (xv, yv) = Data(5);
        var model = Net();
        var r = new Recorder();
        var history = model.Fit(x, y, batchSize: 3, epochs: 2, validationData: (xv, yv), shuffle: false, verbose: 0, callbacks: [r]);
        string[] pass = ["test_begin", "test_batch_begin 0", "test_batch_end 0 accuracy,loss", "test_batch_begin 1", "test_batch_end 1 accuracy,loss",
            "test_end accuracy,loss"];
        Assert.Equal([.. pass, "epoch_end 0", .. pass, "epoch_end 1"], r.Events);
        Assert.Equal(history["val_loss"], r.TestEnds.Select(l => l["loss"]));
        Assert.Equal(history["val_accuracy"], r.TestEnds.Select(l => l["accuracy"]));
    }

    [Fact]
    public void EvaluateCallsTheTestHooksAroundEachBatch()
    {
        var (x, y) = Data(7);
        var model = Net();
        var r = new Recorder();
        var result = model.Evaluate(x, y, batchSize: 3, callbacks: [r], verbose: 0);
        Assert.Equal(["test_begin", "test_batch_begin 0", "test_batch_end 0 accuracy,loss", "test_batch_begin 1", "test_batch_end 1 accuracy,loss",
            "test_batch_begin 2", "test_batch_end 2 accuracy,loss", "test_end accuracy,loss"], r.Events);
        Assert.Equal(result, r.TestEnds[0]);
        Assert.Same(model, r.Model);
        Assert.Equal((1, 3), r.Params);
        // A dataset's evaluation calls them too.
        var r2 = new Recorder();
        model.Evaluate(Dataset.FromTensorSlices(x, y).Batch(4), callbacks: [r2], verbose: 0);
        Assert.Equal(6, r2.Events.Count);
    }

    [Fact]
    public void PredictCallsThePredictHooksAroundEachBatch()
    {
        var (x, _) = Data(5);
        var model = Net();
        var r = new Recorder();
        var p = model.Predict(x, batchSize: 2, verbose: 0, callbacks: [r]);
        Assert.Equal(["predict_begin 3", "predict_batch_begin 0", "predict_batch_end 0", "predict_batch_begin 1", "predict_batch_end 1",
            "predict_batch_begin 2", "predict_batch_end 2", "predict_end"], r.Events);
        var r2 = new Recorder();
        var q = model.Predict(Dataset.FromTensorSlices(x).Batch(4), verbose: 0, callbacks: [r2]);
        Assert.Equal(["predict_begin 0", "predict_batch_begin 0", "predict_batch_end 0", "predict_batch_begin 1", "predict_batch_end 1", "predict_end"], r2.Events);
        // The same outputs, batched differently (float32 rounding apart).
        Assert.Equal(p.ToArray(), q.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    [Fact]
    public void EvaluateAndPredictShowAProgressBarAsKerasDoesByDefault()
    {
        var (x, y) = Data(7);
        var model = Net();
        using var console = new ConsoleCapture();
        using var log = new LogCapture(progress: true);
        var result = model.Evaluate(x, y, batchSize: 3);
        var line = Assert.Single(log.Progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("3/3 ━━━━━━━━━━━━━━━━━━━━ ", line);
        Assert.Contains($"loss: {result["loss"].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}", line);
        log.Progress.GetStringBuilder().Clear();
        model.Predict(x, batchSize: 4);
        Assert.StartsWith("2/2 ━━━━━━━━━━━━━━━━━━━━ ", log.Progress.ToString());
        log.Progress.GetStringBuilder().Clear();
        model.Evaluate(x, y, verbose: 0);
        model.Predict(x, verbose: 0);
        Assert.Equal("", log.Progress.ToString());
        Assert.Equal("", console.Out.ToString());
    }

    [Fact]
    public void AProgbarLoggerPassedToFitReplacesTheDefaultAndFitsValidationShowsNoBar()
    {
        var (x, y) = Data(6);
        var model = Net();
        using var log = new LogCapture(progress: true);
        var progbar = new ProgbarLogger();
        model.Fit(x, y, batchSize: 3, epochs: 2, validationSplit: 0.5, verbose: 2, callbacks: [progbar]);
        var lines = log.Progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("val_loss", l));
        Assert.Equal(2, progbar.Verbose);
        // Passed to Fit with verbose 0 it stays silent, as Keras's set_params makes it.
        log.Progress.GetStringBuilder().Clear();
        model.Fit(x, y, batchSize: 3, epochs: 1, verbose: 0, callbacks: [progbar]);
        Assert.Equal("", log.Progress.ToString());
    }
}
