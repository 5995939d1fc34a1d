using System.Diagnostics;
using System.Globalization;

namespace Graft.Training.Callbacks;

/// <summary>
/// Keras's progress display (<c>keras.callbacks.ProgbarLogger</c>): <c>Epoch 3/16</c>, then a bar with
/// steps, the time left (ETA) while the epoch runs and its duration at the end, time per step, samples
/// per second and the running metrics, finished with the validation metrics. <c>Evaluate</c> and
/// <c>Predict</c> show a bar of their own (without the epoch line; <c>Fit</c>'s validation shows none).
/// On a terminal the bar redraws in place; when output is redirected only the finished line is printed
/// (verbose 2: one line per epoch). A dataset of unknown length shows <c>12/Unknown</c> until its first
/// pass ends. Lines go to <see cref="Callback.ProgressWriter"/> (<see cref="GraftContext.ProgressWriter"/>),
/// nowhere unless one is set.
/// </summary>
/// <remarks>
/// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> add one when their <c>verbose</c> is not 0; one passed
/// among the callbacks is used instead, with its <see cref="Verbose"/> set from theirs, as in Keras.
/// </remarks>
public sealed class ProgbarLogger : Callback
{
    private const int BarWidth = 20;
    private readonly Stopwatch _time = new();
    private bool _live, _inFit;
    private long _lastDraw;
    private int _stepsDone;

    /// <summary>A progress bar; <c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> sets its <see cref="Verbose"/> from their own.</summary>
    public ProgbarLogger() { }

    /// <summary>0 silent, 1 a bar, 2 one line per epoch (or per evaluation); set by the call it is passed to.</summary>
    public int Verbose { get; internal set; } = 1;

    /// <summary>Samples seen so far in this epoch, for the samples-per-second figure; null shows none.</summary>
    internal Func<long>? SamplesSeen { get; set; }

    private TextWriter? Output => Verbose == 0 ? null : ProgressWriter;

    private void Start()
    {
        _live = Verbose == 1 && !Console.IsOutputRedirected && ReferenceEquals(ProgressWriter, Console.Out);
        _time.Restart();
        _lastDraw = 0;
        _stepsDone = 0;
    }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _inFit = true;

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => _inFit = false;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (Output is not { } output) return;
        if (Verbose == 1) output.WriteLine($"Epoch {epoch + 1}/{Params.Epochs}");
        Start();
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => BatchEnd(batch, logs);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (Output is not { } output) return;
        string line = Line(Params.Steps > 0 ? Params.Steps : _stepsDone, logs, finished: true);
        if (Verbose == 2) line = $"Epoch {epoch + 1}/{Params.Epochs} - " + line[(line.IndexOf(' ') + 1)..].TrimStart('━', '─', ' ');
        output.WriteLine((_live ? "\r" : "") + line + (_live ? "\u001b[K" : ""));
    }

    // Keras's ProgbarLogger shows evaluation and prediction only when they are not Fit's validation.
    /// <inheritdoc/>
    public override void OnTestBegin(IReadOnlyDictionary<string, double> logs) { if (!_inFit) Start(); }

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { if (!_inFit) BatchEnd(batch, logs); }

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) { if (!_inFit) Finish(logs); }

    /// <inheritdoc/>
    public override void OnPredictBegin(IReadOnlyDictionary<string, double> logs) => Start();

    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => BatchEnd(batch, logs);

    /// <inheritdoc/>
    public override void OnPredictEnd(IReadOnlyDictionary<string, double> logs) => Finish(logs);

    private void BatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        _stepsDone = batch + 1;
        if (!_live || Output is not { } output) return;
        long now = _time.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && batch + 1 < Params.Steps) return;
        _lastDraw = now;
        output.Write("\r" + Line(batch + 1, logs) + "\u001b[K");
    }

    private void Finish(IReadOnlyDictionary<string, double> logs)
    {
        if (Output is not { } output) return;
        string line = Line(Params.Steps > 0 ? Params.Steps : _stepsDone, logs, finished: true);
        output.WriteLine((_live ? "\r" : "") + line + (_live ? "\u001b[K" : ""));
    }

    private string Line(int step, IReadOnlyDictionary<string, double> logs, bool finished = false)
    {
        bool known = Params.Steps > 0;
        int steps = known ? Params.Steps : Math.Max(1, step);
        int filled = known ? (int)Math.Round((double)BarWidth * step / steps) : finished ? BarWidth : 0;
        var bar = new string('━', filled) + new string('─', BarWidth - filled);
        double seconds = _time.Elapsed.TotalSeconds;
        double perStep = seconds / Math.Max(1, step);
        string time = !finished && known && step < steps ? $"{Math.Ceiling(perStep * (steps - step)):0}s" : $"{seconds:0}s";
        string rate = perStep >= 1 ? $"{perStep:0}s/step" : perStep >= 1e-3 ? $"{perStep * 1e3:0}ms/step" : $"{perStep * 1e6:0}us/step";
        if (SamplesSeen is not null && seconds > 0) rate += $" - {SamplesSeen() / seconds:0} samples/s";
        var parts = logs.Keys.OrderBy(k => k.StartsWith("val_")).ThenBy(k => k, StringComparer.Ordinal)
            .Select(k => $"{k}: {Format(logs[k])}");
        string head = $"{step}/{(known || finished ? steps.ToString(CultureInfo.InvariantCulture) : "Unknown")} {bar} {time} {rate}";
        return logs.Count == 0 ? head : head + " - " + string.Join(" - ", parts);
    }

    private static string Format(double v) =>
        v != 0 && Math.Abs(v) < 1e-3 ? v.ToString("0.0000e+00", CultureInfo.InvariantCulture) : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
