using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>max(1 − y·ŷ, 0)² averaged over the last axis; 0/1 targets become −1/1 first, as in Keras.</summary>
public sealed class SquaredHinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "squared_hinge";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = HingeTargets(Align(yTrue, yPred));
        return MeanLast(Ops.Square(Ops.Relu(Ops.Add(Ops.Negative(Ops.Multiply(t, yPred)), 1f))));
    }
}
