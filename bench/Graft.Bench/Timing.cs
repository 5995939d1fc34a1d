using System.Diagnostics;

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
}
