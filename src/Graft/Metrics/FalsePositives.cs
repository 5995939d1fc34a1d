namespace Graft.Metrics;

/// <summary>The number of negative targets predicted positive, over everything seen.</summary>
public sealed class FalsePositives(float threshold = 0.5f, string name = "false_positives") : ConfusionCount(threshold, name, actual: false, predicted: true)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new FalsePositives(Threshold, Name);
}
