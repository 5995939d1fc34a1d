using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of samples whose integer class id is among the top <see cref="K"/> predictions.</summary>
public sealed class SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>How many top predictions count.</summary>
    public int K { get; } = k;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        int hits = 0;
        for (int r = 0; r < rows; r++)
            if (TopKCategoricalAccuracy.InTopK(p, r * cols, cols, (int)t[r], K)) hits++;
        Add(hits, rows);
    }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SparseTopKCategoricalAccuracy(K, Name);
}
