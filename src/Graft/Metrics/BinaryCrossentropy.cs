using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>The mean binary cross-entropy per sample over everything seen (Keras's <c>metrics.BinaryCrossentropy</c>).</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, string name = "binary_crossentropy") : MeanMetricWrapper(name)
{
    private readonly Losses.BinaryCrossentropy _loss = new(fromLogits, labelSmoothing) { Reduction = "none" };
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits => _loss.FromLogits;
    /// <summary>Targets move toward 0.5 by this fraction.</summary>
    public float LabelSmoothing => _loss.LabelSmoothing;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => AddPerSample(_loss.Call(yTrue, yPred), yPred, sampleWeight);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new BinaryCrossentropy(FromLogits, LabelSmoothing, Name);
}
