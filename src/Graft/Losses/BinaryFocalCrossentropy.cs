using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// Binary cross-entropy scaled by the focal factor (1 − p_t)^γ, p_t the probability given to the
/// true class, so easy examples weigh less (Lin et al. 2018); with <see cref="ApplyClassBalancing"/>
/// also by α for class 1 and 1 − α for class 0. Averaged over the last axis.
/// </summary>
public sealed class BinaryFocalCrossentropy(bool applyClassBalancing = false, float alpha = 0.25f, float gamma = 2f,
    bool fromLogits = false, float labelSmoothing = 0f) : Loss
{
    /// <summary>Whether α weighs the classes.</summary>
    public bool ApplyClassBalancing { get; } = applyClassBalancing;
    /// <summary>Weight of class 1 (class 0 gets 1 − α) when balancing.</summary>
    public float Alpha { get; } = alpha;
    /// <summary>Focusing exponent; 0 gives plain binary cross-entropy.</summary>
    public float Gamma { get; } = gamma >= 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), $"BinaryFocalCrossentropy: expected gamma >= 0, got {gamma}.");
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Targets move toward 0.5 by this fraction.</summary>
    public float LabelSmoothing { get; } = labelSmoothing is >= 0f and <= 1f ? labelSmoothing
        : throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"BinaryFocalCrossentropy: expected label_smoothing in [0, 1], got {labelSmoothing}.");

    /// <inheritdoc/>
    public override string Name => "binary_focal_crossentropy";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        if (LabelSmoothing > 0) t = Ops.Add(Ops.Multiply(t, 1f - LabelSmoothing), 0.5f * LabelSmoothing);
        var p = FromLogits ? Ops.Sigmoid(yPred) : yPred;
        var bce = Ops.BinaryCrossEntropy(t, p);
        var notT = Ops.Add(Ops.Negative(t), 1f);
        var pt = Ops.Add(Ops.Multiply(t, p), Ops.Multiply(notT, Ops.Add(Ops.Negative(p), 1f)));
        var focal = Ops.Multiply(Ops.Power(Ops.Add(Ops.Negative(pt), 1f), Gamma), bce);
        if (ApplyClassBalancing) focal = Ops.Multiply(Ops.Add(Ops.Multiply(t, Alpha), Ops.Multiply(notT, 1f - Alpha)), focal);
        return MeanLast(focal);
    }
}
