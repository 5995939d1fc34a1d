using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>The mean sparse categorical cross-entropy per sample over everything seen (Keras's <c>metrics.SparseCategoricalCrossentropy</c>).</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, string name = "sparse_categorical_crossentropy") : MeanMetricWrapper(name)
{
    private readonly Losses.SparseCategoricalCrossentropy _loss = new(fromLogits) { Reduction = "none" };
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits => _loss.FromLogits;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => AddPerSample(_loss.Call(yTrue, yPred), yPred, sampleWeight);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SparseCategoricalCrossentropy(FromLogits, Name);
}
