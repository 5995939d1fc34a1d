using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>A weighted running mean of values (Keras's <c>metrics.Mean</c>), e.g. the loss over an epoch.</summary>
public sealed class MeanMetric(string name = "mean") : Metric(name)
{
    private double _total, _count;

    /// <summary>Adds <paramref name="value"/> with weight <paramref name="weight"/>.</summary>
    public void Update(double value, double weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>Adds the values of <paramref name="yPred"/> (targets unused), weighed by <paramref name="sampleWeight"/> as Keras's <c>Mean.update_state(values, sample_weight)</c>.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (total, count) = SampleWeights.MeanParts(Host(yPred), yPred.Shape, sampleWeight, null, $"MeanMetric '{Name}'");
        _total += total;
        _count += count;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;
    /// <inheritdoc/>
    public override void ResetState() { _total = 0; _count = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new MeanMetric(Name);
}
