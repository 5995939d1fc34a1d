using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of samples whose target class (arg-max of one-hot targets) is among the top <see cref="K"/> predictions.</summary>
public sealed class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>How many top predictions count.</summary>
    public int K { get; } = k;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        var hits = new float[rows];
        for (int r = 0; r < rows; r++)
            if (InTopK(p, r * cols, cols, CategoricalAccuracy.ArgMax(t, r * cols, cols), K)) hits[r] = 1f;
        AddValues(hits, RowShape(yPred), yPred, sampleWeight);
    }

    /// <summary>True when fewer than k classes score strictly higher than <paramref name="target"/> (TensorFlow's in_top_k).</summary>
    internal static bool InTopK(float[] p, int offset, int n, int target, int k)
    {
        float v = p[offset + target];
        int higher = 0;
        for (int i = 0; i < n; i++) if (p[offset + i] > v) higher++;
        return higher < k;
    }

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new TopKCategoricalAccuracy(K, Name);
}
