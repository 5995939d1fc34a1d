using System.Diagnostics;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Bench;

internal static class Timing
{
    /// <summary>Median seconds of <paramref name="action"/> after a warm-up, over at least minReps runs and minSeconds.</summary>
    public static double Median(Action action, int minReps = 9, double minSeconds = 1.0, int maxReps = 200)
    {
        action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while ((times.Count < minReps || total.Elapsed.TotalSeconds < minSeconds) && times.Count < maxReps)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// Training samples/s of one <c>Fit</c> of 1 + <paramref name="epochs"/> epochs: the median over the
    /// timed epochs (the first is the warm-up), and the whole Fit's rate (frozen-layer caching included).
    /// </summary>
    public static (double epochMedian, double overall) FitRate(Model model, Tensor x, Tensor y, int batchSize, int epochs)
    {
        var timer = new EpochTimer();
        var total = Stopwatch.StartNew();
        model.Fit(x, y, batchSize: batchSize, epochs: 1 + epochs, verbose: 0, callbacks: [timer]);
        double overall = x.Shape[0] * (1.0 + epochs) / total.Elapsed.TotalSeconds;
        var rates = timer.Seconds.Skip(1).Select(s => x.Shape[0] / s).Order().ToList();
        return (rates[rates.Count / 2], overall);
    }

    private sealed class EpochTimer : Graft.Training.Callbacks.Callback
    {
        private readonly Stopwatch _sw = new();
        public List<double> Seconds { get; } = [];
        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _sw.Restart();
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => Seconds.Add(_sw.Elapsed.TotalSeconds);
    }
}
