using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>Share of predictions on the right side of <see cref="Threshold"/> (Keras's <c>binary_accuracy</c>).</summary>
public sealed class BinaryAccuracy(float threshold = 0.5f, string name = "binary_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>Decision threshold.</summary>
    public float Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        var hits = new float[p.Length];
        for (int i = 0; i < p.Length; i++) hits[i] = (p[i] > Threshold ? 1f : 0f) == t[i] ? 1f : 0f;
        AddValues(hits, yPred.Shape, yPred, sampleWeight);
    }

    /// <inheritdoc/>
    public override Metric CloneEmpty() => new BinaryAccuracy(Threshold, Name);
}
