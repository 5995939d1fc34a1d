using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>TP / (TP + FN) (weighted counts with sample weights) with predictions above <see cref="Threshold"/> counted positive.</summary>
public sealed class Recall(float threshold = 0.5f, string name = "recall") : Metric(name)
{
    private double _tp, _fn;
    /// <summary>Decision threshold.</summary>
    public float Threshold { get; } = threshold;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < p.Length; i++)
            if (t[i] >= 0.5f) { if (p[i] > Threshold) _tp += w?[i] ?? 1f; else _fn += w?[i] ?? 1f; }
    }
    /// <inheritdoc/>
    public override double Result() => _tp + _fn == 0 ? 0 : _tp / (_tp + _fn);
    /// <inheritdoc/>
    public override void ResetState() { _tp = 0; _fn = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new Recall(Threshold, Name);
}
