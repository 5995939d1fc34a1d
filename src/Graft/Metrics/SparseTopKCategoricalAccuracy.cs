using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of samples whose integer class id is among the top <see cref="K"/> predictions.</summary>
public sealed class SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>How many top predictions count.</summary>
    public int K { get; } = k;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        var hits = new float[rows];
        for (int r = 0; r < rows; r++)
            if (TopKCategoricalAccuracy.InTopK(p, r * cols, cols, (int)t[r], K)) hits[r] = 1f;
        AddValues(hits, RowShape(yPred), yPred, sampleWeight);
    }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SparseTopKCategoricalAccuracy(K, Name);
}
