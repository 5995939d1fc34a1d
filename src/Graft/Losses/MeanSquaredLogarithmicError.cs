using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>mean((log(max(ŷ, ε) + 1) − log(max(y, ε) + 1))²) over the last axis.</summary>
public sealed class MeanSquaredLogarithmicError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_logarithmic_error";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var eps = Tensor.Scalar(Ops.Epsilon, yPred.Device);
        var a = Ops.Log(Ops.Add(Ops.Maximum(yPred, eps), 1f));
        var b = Ops.Log(Ops.Add(Ops.Maximum(Align(yTrue, yPred), eps), 1f));
        return MeanLast(Ops.Square(Ops.Subtract(a, b)));
    }
}
