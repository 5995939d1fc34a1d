using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// Binary cross-entropy for 0/1 targets, averaged over the last axis; probabilities are clamped
/// to [1e−7, 1 − 1e−7] (Keras's rule), logits handled stably.
/// </summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, float labelSmoothing = 0f) : Loss
{
    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Targets move toward 0.5 by this fraction.</summary>
    public float LabelSmoothing { get; } = labelSmoothing is >= 0f and <= 1f ? labelSmoothing
        : throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"BinaryCrossentropy: expected label_smoothing in [0, 1], got {labelSmoothing}.");

    /// <inheritdoc/>
    public override string Name => "binary_crossentropy";

    /// <inheritdoc/>
    public override void Validate(Tensor yTrue, Shape yPred)
    {
        base.Validate(yTrue, yPred);
        foreach (float v in yTrue.ToArray())
            if (!(v >= 0f && v <= 1f))
                throw new ArgumentException($"BinaryCrossentropy: expected targets in [0, 1], got {v}.");
    }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        if (LabelSmoothing > 0) t = Ops.Add(Ops.Multiply(t, 1f - LabelSmoothing), 0.5f * LabelSmoothing);
        return MeanLast(Ops.BinaryCrossEntropy(t, yPred, FromLogits));
    }
}
