using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of samples whose arg-max prediction is the arg-max target (one-hot targets).</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        var hits = new float[rows];
        for (int r = 0; r < rows; r++)
            if (ArgMax(p, r * cols, cols) == ArgMax(t, r * cols, cols)) hits[r] = 1f;
        AddValues(hits, RowShape(yPred), yPred, sampleWeight);
    }

    internal static int ArgMax(float[] a, int offset, int n)
    {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[offset + i] > a[offset + best]) best = i;
        return best;
    }

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new CategoricalAccuracy(Name);
}
