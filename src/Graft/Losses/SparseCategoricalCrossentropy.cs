using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>Cross-entropy against integer class ids: targets (batch) or (batch, 1) for predictions (batch, classes).</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false) : Loss
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;

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
            if (!(d[i] >= 0 && d[i] < classes) || d[i] != MathF.Floor(d[i]))
                throw new ArgumentException($"SparseCategoricalCrossentropy: expected integer class ids in [0, {classes - 1}] for {classes} outputs, got {d[i]} (target {i}).");
    }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => Ops.SparseCategoricalCrossEntropy(yTrue, yPred, FromLogits);
}
