using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>100·mean(|y − ŷ| / max(|y|, ε)) over the last axis.</summary>
public sealed class MeanAbsolutePercentageError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_percentage_error";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        var denominator = Ops.Maximum(Ops.Abs(t), Tensor.Scalar(Ops.Epsilon, t.Device));
        return Ops.Multiply(MeanLast(Ops.Abs(Ops.Divide(Ops.Subtract(t, yPred), denominator))), 100f);
    }
}
