using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>The mean categorical cross-entropy per sample over everything seen (Keras's <c>metrics.CategoricalCrossentropy</c>).</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1, string name = "categorical_crossentropy") : MeanMetricWrapper(name)
{
    private readonly Losses.CategoricalCrossentropy _loss = new(fromLogits, labelSmoothing, axis) { Reduction = "none" };
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits => _loss.FromLogits;
    /// <summary>Targets move toward uniform by this fraction.</summary>
    public float LabelSmoothing => _loss.LabelSmoothing;
    /// <summary>The class axis.</summary>
    public int Axis => _loss.Axis;
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) => AddPerSample(_loss.Call(yTrue, yPred), yPred, sampleWeight);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new CategoricalCrossentropy(FromLogits, LabelSmoothing, Axis, Name);
}
