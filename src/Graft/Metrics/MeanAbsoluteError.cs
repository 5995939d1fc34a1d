using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Mean of |y − ŷ| over all samples seen.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, rows, _) = Rows(yTrue, yPred);
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += Math.Abs(t[i] - p[i]);
        Add(s / Math.Max(1, p.Length) * rows, rows);
    }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new MeanAbsoluteError(Name);
}
