namespace Graft.Metrics;

/// <summary>The number of positive targets predicted negative, over everything seen.</summary>
public sealed class FalseNegatives(float threshold = 0.5f, string name = "false_negatives") : ConfusionCount(threshold, name, actual: true, predicted: false)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new FalseNegatives(Threshold, Name);
}
