using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>max(1 − y·ŷ, 0) averaged over the last axis; 0/1 targets become −1/1 first, as in Keras.</summary>
public sealed class Hinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "hinge";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = HingeTargets(Align(yTrue, yPred));
        return MeanLast(Ops.Relu(Ops.Add(Ops.Negative(Ops.Multiply(t, yPred)), 1f)));
    }
}
