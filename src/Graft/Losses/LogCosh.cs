using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// log(cosh(ŷ − y)) averaged over the last axis, computed as e + softplus(−2e) − log 2 so that large
/// errors do not overflow (Keras's form).
/// </summary>
public sealed class LogCosh : Loss
{
    /// <inheritdoc/>
    public override string Name => "log_cosh";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var e = Ops.Subtract(yPred, Align(yTrue, yPred));
        return MeanLast(Ops.Add(Ops.Add(e, Ops.Softplus(Ops.Multiply(e, -2f))), -MathF.Log(2f)));
    }
}
