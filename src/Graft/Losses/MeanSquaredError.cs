using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>Mean of (y − ŷ)² over the last axis.</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_error";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => MeanLast(Ops.Square(Ops.Subtract(Align(yTrue, yPred), yPred)));
}
