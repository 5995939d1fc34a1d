using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Mean of (y − ŷ)² over all samples seen.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, rows, _) = Rows(yTrue, yPred);
        double s = 0;
        for (int i = 0; i < p.Length; i++) { double e = t[i] - p[i]; s += e * e; }
        Add(s / Math.Max(1, p.Length) * rows, rows);
    }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new MeanSquaredError(Name);
}
