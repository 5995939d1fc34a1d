using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>Mean of |y − ŷ| over the last axis.</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_error";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => MeanLast(Ops.Abs(Ops.Subtract(Align(yTrue, yPred), yPred)));
}
