using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>TP / (TP + FP) (weighted counts with sample weights) with predictions above <see cref="Threshold"/> counted positive.</summary>
public sealed class Precision(float threshold = 0.5f, string name = "precision") : Metric(name)
{
    private double _tp, _fp;
    /// <summary>Decision threshold.</summary>
    public float Threshold { get; } = threshold;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < p.Length; i++)
            if (p[i] > Threshold) { if (t[i] >= 0.5f) _tp += w?[i] ?? 1f; else _fp += w?[i] ?? 1f; }
    }
    /// <inheritdoc/>
    public override double Result() => _tp + _fp == 0 ? 0 : _tp / (_tp + _fp);
    /// <inheritdoc/>
    public override void ResetState() { _tp = 0; _fp = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new Precision(Threshold, Name);
}
