using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>The outcome: model A's history, each repetition, and the summary statistics.</summary>
internal sealed record GeronTransferResult(History ModelA, double ModelATestAccuracy, IReadOnlyList<GeronTransferRun> Runs, string ModelAPath, bool Cnn = false)
{
    private static (double mean, double std) Stats(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        double mean = a.Average();
        return (mean, a.Length > 1 ? Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / (a.Length - 1)) : 0);
    }

    /// <summary>Mean and sample standard deviation of model B's test accuracy.</summary>
    public (double Mean, double Std) ModelB => Stats(Runs.Select(r => r.ModelBTestAccuracy));
    /// <summary>Mean and sample standard deviation of B on A's test accuracy.</summary>
    public (double Mean, double Std) ModelBOnA => Stats(Runs.Select(r => r.ModelBOnATestAccuracy));
    /// <summary>Model B's mean error rate over B on A's (Géron's "error rate dropped by a factor of …").</summary>
    public double ErrorRateRatio => (1 - ModelB.Mean) / Math.Max(1e-12, 1 - ModelBOnA.Mean);
}
