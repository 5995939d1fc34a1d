using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>Cross-entropy against one-hot (or soft) targets of the predictions' shape.</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1) : Loss
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Targets move toward uniform by this fraction.</summary>
    public float LabelSmoothing { get; } = labelSmoothing;
    /// <summary>The class axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override void Validate(Tensor yTrue, Shape yPred)
    {
        if (yTrue.Shape != yPred)
        {
            string hint = yPred[^1] > 1 && (yTrue.Rank < yPred.Rank || yTrue.Shape[^1] == 1)
                ? " The targets look like class ids: use sparse_categorical_crossentropy, or one-hot encode them." : "";
            throw new ArgumentException($"CategoricalCrossentropy: expected one-hot targets of shape {Like(yPred)}, got {yTrue.Shape}.{hint}");
        }
    }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = yTrue;
        if (LabelSmoothing > 0) t = Ops.Add(Ops.Multiply(t, 1f - LabelSmoothing), LabelSmoothing / yPred.Shape[Axis]);
        return Ops.CategoricalCrossEntropy(t, yPred, FromLogits, Axis);
    }
}
