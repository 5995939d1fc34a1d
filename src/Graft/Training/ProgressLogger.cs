using System.Diagnostics;
using System.Globalization;
using Graft.Training.Callbacks;

namespace Graft.Training;

/// <summary>
/// Keras's progress display: <c>Epoch 3/16</c>, then a bar with steps, the time left (ETA) while the
/// epoch runs and its duration at the end, time per step, samples per second and the running metrics,
/// finished with the validation metrics. On a terminal the bar redraws in place; when output is
/// redirected only the finished line is printed (verbose 2: one line per epoch). A dataset of unknown
/// length shows <c>12/Unknown</c> until its first pass ends.
/// </summary>
internal sealed class ProgressLogger(int verbose, TextWriter output, Func<long>? samplesSeen = null) : Callback
{
    private const int BarWidth = 20;
    private readonly bool _live = verbose == 1 && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
    private readonly Stopwatch _epochTime = new();
    private long _lastDraw;
    private int _stepsDone;

    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (verbose == 0) return;
        if (verbose == 1) output.WriteLine($"Epoch {epoch + 1}/{Params.Epochs}");
        _epochTime.Restart();
        _lastDraw = 0;
        _stepsDone = 0;
    }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        _stepsDone = batch + 1;
        if (!_live) return;
        long now = _epochTime.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && batch + 1 < Params.Steps) return;
        _lastDraw = now;
        output.Write("\r" + Line(batch + 1, logs) + "\u001b[K");
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (verbose == 0) return;
        string line = Line(Params.Steps > 0 ? Params.Steps : _stepsDone, logs, finished: true);
        if (verbose == 2) line = $"Epoch {epoch + 1}/{Params.Epochs} - " + line[(line.IndexOf(' ') + 1)..].TrimStart('━', '─', ' ');
        output.WriteLine((_live ? "\r" : "") + line + (_live ? "\u001b[K" : ""));
    }

    private string Line(int step, IReadOnlyDictionary<string, double> logs, bool finished = false)
    {
        bool known = Params.Steps > 0;
        int steps = known ? Params.Steps : Math.Max(1, step);
        int filled = known ? (int)Math.Round((double)BarWidth * step / steps) : finished ? BarWidth : 0;
        var bar = new string('━', filled) + new string('─', BarWidth - filled);
        double seconds = _epochTime.Elapsed.TotalSeconds;
        double perStep = seconds / Math.Max(1, step);
        string time = !finished && known && step < steps ? $"{Math.Ceiling(perStep * (steps - step)):0}s" : $"{seconds:0}s";
        string rate = perStep >= 1 ? $"{perStep:0}s/step" : perStep >= 1e-3 ? $"{perStep * 1e3:0}ms/step" : $"{perStep * 1e6:0}us/step";
        if (samplesSeen is not null && seconds > 0) rate += $" - {samplesSeen() / seconds:0} samples/s";
        var parts = logs.Keys.OrderBy(k => k.StartsWith("val_")).ThenBy(k => k, StringComparer.Ordinal)
            .Select(k => $"{k}: {Format(logs[k])}");
        return $"{step}/{(known || finished ? steps.ToString(CultureInfo.InvariantCulture) : "Unknown")} {bar} {time} {rate} - " + string.Join(" - ", parts);
    }

    private static string Format(double v) =>
        v != 0 && Math.Abs(v) < 1e-3 ? v.ToString("0.0000e+00", CultureInfo.InvariantCulture) : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
