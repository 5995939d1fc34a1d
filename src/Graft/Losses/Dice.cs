using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// 1 − 2·Σ y·ŷ / (Σ y + Σ ŷ + ε), summed over <see cref="Axis"/>: by default every axis (one value for
/// the batch, as in Keras), or e.g. <c>[1, 2, 3]</c> for one value per image.
/// </summary>
public sealed class Dice(int[]? axis = null) : Loss
{
    /// <summary>The axes summed over; null for all.</summary>
    public int[]? Axis { get; } = axis?.ToArray();
    /// <inheritdoc/>
    public override string Name => "dice";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        var intersection = Ops.Sum(Ops.Multiply(t, yPred), Axis);
        var denominator = Ops.Add(Ops.Add(Ops.Sum(t, Axis), Ops.Sum(yPred, Axis)), Ops.Epsilon);
        return Ops.Add(Ops.Negative(Ops.Divide(Ops.Multiply(intersection, 2f), denominator)), 1f);
    }
}
