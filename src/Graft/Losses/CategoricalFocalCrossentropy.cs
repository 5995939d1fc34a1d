using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// Categorical cross-entropy with each class's term scaled by α·(1 − p)^γ (Lin et al. 2018), p the
/// renormalised, clamped probability; one-hot (or soft) targets of the predictions' shape.
/// </summary>
public sealed class CategoricalFocalCrossentropy(float alpha = 0.25f, float gamma = 2f, bool fromLogits = false,
    float labelSmoothing = 0f, int axis = -1) : Loss
{
    /// <summary>Weight of every class's term.</summary>
    public float Alpha { get; } = alpha;
    /// <summary>Focusing exponent; 0 (with α = 1) gives plain categorical cross-entropy.</summary>
    public float Gamma { get; } = gamma >= 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), $"CategoricalFocalCrossentropy: expected gamma >= 0, got {gamma}.");
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Targets move toward uniform by this fraction.</summary>
    public float LabelSmoothing { get; } = labelSmoothing;
    /// <summary>The class axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override string Name => "categorical_focal_crossentropy";

    /// <inheritdoc/>
    public override void Validate(Tensor yTrue, Shape yPred)
    {
        if (yTrue.Shape != yPred)
            throw new ArgumentException($"CategoricalFocalCrossentropy: expected one-hot targets of shape {Like(yPred)}, got {yTrue.Shape}.");
    }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = yTrue;
        if (LabelSmoothing > 0) t = Ops.Add(Ops.Multiply(t, 1f - LabelSmoothing), LabelSmoothing / yPred.Shape[Axis]);
        var p = FromLogits ? Ops.Softmax(yPred, Axis) : yPred;
        p = Ops.Clip(Ops.Divide(p, Ops.Sum(p, [Axis], keepDims: true)), Ops.Epsilon, 1f - Ops.Epsilon);
        var cce = Ops.Negative(Ops.Multiply(t, Ops.Log(p)));
        var weight = Ops.Multiply(Ops.Power(Ops.Add(Ops.Negative(p), 1f), Gamma), Alpha);
        return Ops.Sum(Ops.Multiply(weight, cce), [Axis]);
    }
}
