namespace Graft.Metrics;

/// <summary>The number of positive targets predicted positive, over everything seen.</summary>
public sealed class TruePositives(float threshold = 0.5f, string name = "true_positives") : ConfusionCount(threshold, name, actual: true, predicted: true)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new TruePositives(Threshold, Name);
}
