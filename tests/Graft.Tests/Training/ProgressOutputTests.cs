using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training;

/// <summary>
/// The library writes nothing to the console: Fit's verbose display and the callbacks' verbose
/// lines go to <see cref="GraftContext.ProgressWriter"/>, and only when one is given.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class ProgressOutputTests
{
    private static (Tensor X, Tensor Y) Data()
    {
        var x = Tensor.FromArray([-2f, -1f, 1f, 2f, -1.5f, 1.5f, -0.5f, 0.5f], 8, 1);
        var y = Tensor.FromArray([0f, 0f, 1f, 1f, 0f, 1f, 0f, 1f], 8, 1);
        return (x, y);
    }

    private static Sequential Net()
    {
        var model = new Sequential([new Dense(1, activation: "sigmoid", inputShape: [1])]);
        model.Compile("binary_crossentropy", "sgd", ["accuracy"]);
        return model;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FitWithVerboseWritesNothingToTheConsoleWhenNoWriterIsGiven(int verbose)
    {
        var (x, y) = Data();
        var model = Net();
        using var console = new ConsoleCapture();
        using var log = new LogCapture(progress: false);
        model.Fit(x, y, batchSize: 4, epochs: 2, validationSplit: 0.25, verbose: verbose,
            callbacks: [new EarlyStopping(monitor: "loss", patience: 0, minDelta: 1e9, verbose: 1), new TerminateOnNaN()]);
        Assert.Equal("", console.Out.ToString());
        Assert.Equal("", console.Error.ToString());
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void FitWritesItsProgressToTheGivenWriterOnly()
    {
        var (x, y) = Data();
        var model = Net();
        using var console = new ConsoleCapture();
        using var log = new LogCapture(progress: true);
        model.Fit(x, y, batchSize: 4, epochs: 3, verbose: 2);
        var lines = log.Progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Epoch 1/3 - ", lines[0]);
        Assert.StartsWith("Epoch 3/3 - ", lines[2]);
        Assert.Equal("", console.Out.ToString());
    }

    [Fact]
    public void VerboseZeroWritesNothingEvenWithAWriter()
    {
        var (x, y) = Data();
        var model = Net();
        using var log = new LogCapture(progress: true);
        model.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0);
        Assert.Equal("", log.Progress.ToString());
    }

    [Fact]
    public void EarlyStoppingsMessagesReachTheGivenWriter()
    {
        var (x, y) = Data();
        var model = Net();
        using var console = new ConsoleCapture();
        using var log = new LogCapture(progress: true);
        // An improvement of 1e9 is never reached, so training stops at the second epoch (Keras never stops at the first).
        var stop = new EarlyStopping(monitor: "loss", minDelta: 1e9, patience: 0, verbose: 1, restoreBestWeights: true);
        model.Fit(x, y, batchSize: 4, epochs: 5, verbose: 0, callbacks: [stop]);
        Assert.Equal(1, stop.StoppedEpoch);
        var lines = log.Progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["Epoch 2: early stopping", "Restoring model weights from the end of the best epoch: 1."], lines);
        Assert.Equal("", console.Out.ToString());
    }

    [Fact]
    public void ACallbacksWriterIsTheOneFitStartedWith()
    {
        var (x, y) = Data();
        var model = Net();
        var seen = new WriterProbe();
        using (var log = new LogCapture(progress: true))
        {
            model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [seen]);
            Assert.Same(log.Progress, seen.Writer);
        }
        model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [seen]);
        Assert.Null(seen.Writer);
    }

    private sealed class WriterProbe : Callback
    {
        public TextWriter? Writer { get; private set; }
        public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => Writer = ProgressWriter;
    }
}
