using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// 1 − TP / (TP + α·FP + β·FN + ε) with soft counts TP = Σ y·ŷ, FP = Σ (1 − y)·ŷ, FN = Σ y·(1 − ŷ)
/// over <see cref="Axis"/> (by default every axis). α = β = 0.5 gives the Dice loss.
/// </summary>
public sealed class Tversky(float alpha = 0.5f, float beta = 0.5f, int[]? axis = null) : Loss
{
    /// <summary>Weight of false positives.</summary>
    public float Alpha { get; } = alpha;
    /// <summary>Weight of false negatives.</summary>
    public float Beta { get; } = beta;
    /// <summary>The axes summed over; null for all.</summary>
    public int[]? Axis { get; } = axis?.ToArray();
    /// <inheritdoc/>
    public override string Name => "tversky";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        var tp = Ops.Sum(Ops.Multiply(t, yPred), Axis);
        var fp = Ops.Sum(Ops.Multiply(Ops.Add(Ops.Negative(t), 1f), yPred), Axis);
        var fn = Ops.Sum(Ops.Multiply(t, Ops.Add(Ops.Negative(yPred), 1f)), Axis);
        var denominator = Ops.Add(Ops.Add(Ops.Add(tp, Ops.Multiply(fp, Alpha)), Ops.Multiply(fn, Beta)), Ops.Epsilon);
        return Ops.Add(Ops.Negative(Ops.Divide(tp, denominator)), 1f);
    }
}
