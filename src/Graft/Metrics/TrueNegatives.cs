namespace Graft.Metrics;

/// <summary>The number of negative targets predicted negative, over everything seen.</summary>
public sealed class TrueNegatives(float threshold = 0.5f, string name = "true_negatives") : ConfusionCount(threshold, name, actual: false, predicted: false)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new TrueNegatives(Threshold, Name);
}
