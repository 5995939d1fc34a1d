using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// Cross-entropy against integer class ids: targets (batch, …) or (batch, …, 1) for predictions
/// (batch, …, classes). Targets equal to <see cref="IgnoreClass"/> (e.g. a segmentation's "void"
/// label) add no loss and count in no average, as in Keras.
/// </summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null) : Loss
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <summary>The target id that is ignored, or null.</summary>
    public int? IgnoreClass { get; } = ignoreClass;

    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    public override void Validate(Tensor yTrue, Shape yPred)
    {
        int classes = yPred[^1];
        var ids = yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1 ? yTrue.Shape.Dims[..^1] : yTrue.Shape.Dims;
        if (!ids.AsSpan().SequenceEqual(yPred.Dims.AsSpan(0, yPred.Rank - 1)))
            throw new ArgumentException($"SparseCategoricalCrossentropy: expected class ids of shape {Layers.Layer.FormatShape(Layers.Layer.BatchShape(yPred)[..^1])} for predictions {Like(yPred)}, got {yTrue.Shape}.");
        var d = yTrue.ToArray();
        for (int i = 0; i < d.Length; i++)
            if ((!(d[i] >= 0 && d[i] < classes) || d[i] != MathF.Floor(d[i])) && d[i] != IgnoreClass)
                throw new ArgumentException($"SparseCategoricalCrossentropy: expected integer class ids in [0, {classes - 1}] for {classes} outputs{(IgnoreClass is { } c ? $" or the ignored class {c}" : "")}, got {d[i]} (target {i}).");
    }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        if (IgnoreClass is null) return Ops.SparseCategoricalCrossEntropy(yTrue, yPred, FromLogits);
        var valid = ValidMask(yTrue, yPred)!;
        var ids = Ops.Where(valid, Ids(yTrue, yPred), Tensor.Scalar(0f, yTrue.Device));
        return Ops.Where(valid, Ops.SparseCategoricalCrossEntropy(ids, yPred, FromLogits), Tensor.Scalar(0f, yPred.Device));
    }

    /// <inheritdoc/>
    protected override Tensor? ValidMask(Tensor yTrue, Tensor yPred) =>
        IgnoreClass is { } c ? Ops.NotEqual(Ids(yTrue, yPred), Tensor.Scalar(c, yTrue.Device)) : null;

    private static Tensor Ids(Tensor yTrue, Tensor yPred) => yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1 ? Ops.Squeeze(yTrue, -1) : yTrue;
}
