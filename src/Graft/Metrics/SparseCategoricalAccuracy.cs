using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of samples whose arg-max prediction equals the integer class id.</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        var hits = new float[rows];
        for (int r = 0; r < rows; r++)
            if (CategoricalAccuracy.ArgMax(p, r * cols, cols) == (int)t[r]) hits[r] = 1f;
        AddValues(hits, RowShape(yPred), yPred, sampleWeight);
    }

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SparseCategoricalAccuracy(Name);
}
