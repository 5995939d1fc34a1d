using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of predictions on the right side of <see cref="Threshold"/> (Keras's <c>binary_accuracy</c>).</summary>
public sealed class BinaryAccuracy(float threshold = 0.5f, string name = "binary_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>Decision threshold.</summary>
    public float Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        int hits = 0;
        for (int i = 0; i < p.Length; i++) if ((p[i] > Threshold ? 1f : 0f) == t[i]) hits++;
        Add(hits, p.Length);
    }

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new BinaryAccuracy(Threshold, Name);
}
