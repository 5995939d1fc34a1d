namespace Graft.Cli.Demo;

/// <summary>The outcome of <see cref="PretrainedTransferExperiment"/>: each repetition and the summary statistics.</summary>
internal sealed record PretrainedTransferResult(IReadOnlyList<PretrainedTransferRun> Runs, int ImageSize, double Seconds)
{
    /// <summary>Mean and sample standard deviation of the from-scratch network's test accuracy.</summary>
    public (double Mean, double Std) Scratch => Stats(Runs.Select(r => r.ScratchTestAccuracy));
    /// <summary>Mean and sample standard deviation of the frozen pretrained network with its new head.</summary>
    public (double Mean, double Std) Frozen => Stats(Runs.Select(r => r.FrozenTestAccuracy));
    /// <summary>The same after fine-tuning; null when it was not run.</summary>
    public (double Mean, double Std)? FineTuned => Runs.All(r => r.FineTunedTestAccuracy is not null) && Runs.Count > 0
        ? Stats(Runs.Select(r => r.FineTunedTestAccuracy!.Value)) : null;
    /// <summary>The best pretrained variant's mean test accuracy (fine-tuned when run, else frozen).</summary>
    public double Pretrained => FineTuned?.Mean ?? Frozen.Mean;
    /// <summary>From-scratch mean error rate over the pretrained one's.</summary>
    public double ErrorRateRatio => (1 - Scratch.Mean) / Math.Max(1e-12, 1 - Pretrained);

    private static (double, double) Stats(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        double mean = a.Average();
        return (mean, a.Length > 1 ? Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / (a.Length - 1)) : 0);
    }
}
