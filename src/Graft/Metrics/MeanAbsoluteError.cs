using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Mean of |y − ŷ| over all samples seen.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"MeanAbsoluteError: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        // Keras's metric function averages over the last axis: one score per row (a rank-1 batch: per value).
        bool perValue = yPred.Rank <= 1;
        var scores = new float[perValue ? p.Length : rows];
        for (int r = 0; r < scores.Length; r++)
        {
            int n = perValue ? 1 : cols, start = r * n;
            double s = 0;
            for (int i = start; i < start + n; i++) { s += Math.Abs(t[i] - p[i]); }
            scores[r] = (float)(s / n);
        }
        AddValues(scores, perValue ? yPred.Shape : RowShape(yPred), yPred, sampleWeight);
    }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new MeanAbsoluteError(Name);
}
