using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// A metric that is the (weighted) mean of a per-sample score (accuracies, errors; Keras's
/// <c>MeanMetricWrapper</c>). A mask on the predictions (a <c>return_sequences</c> output's) weighs the
/// masked steps 0, with or without sample weights, as Keras does.
/// </summary>
public abstract class MeanMetricWrapper(string name) : Metric(name)
{
    private double _total, _count;

    /// <summary>
    /// Adds per-sample scores of shape <paramref name="shape"/> (samples first; a sequence's scores one per
    /// step), weighed by <paramref name="sampleWeight"/> and the mask of <paramref name="yPred"/>.
    /// </summary>
    private protected void AddValues(float[] values, Shape shape, Tensor yPred, Tensor? sampleWeight)
    {
        var (total, count) = SampleWeights.MeanParts(values, shape, sampleWeight, yPred.Mask, $"{GetType().Name} '{Name}'");
        _total += total;
        _count += count;
    }

    /// <summary>Adds each of a loss's per-sample values (a batch at a time, read back once).</summary>
    private protected void AddPerSample(Tensor values, Tensor yPred, Tensor? sampleWeight) => AddValues(Host(values), values.Shape, yPred, sampleWeight);

    /// <summary>The shape of one score per row of <paramref name="yPred"/> (its last axis reduced).</summary>
    private protected static Shape RowShape(Tensor yPred) => yPred.Rank <= 1 ? new Shape(1) : new Shape(yPred.Shape.Dims[..^1]);

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;
    /// <inheritdoc/>
    public override void ResetState() { _total = 0; _count = 0; }
}
