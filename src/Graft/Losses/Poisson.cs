using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>mean(ŷ − y·log(ŷ + ε)) over the last axis, for count targets.</summary>
public sealed class Poisson : Loss
{
    /// <inheritdoc/>
    public override string Name => "poisson";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) =>
        MeanLast(Ops.Subtract(yPred, Ops.Multiply(Align(yTrue, yPred), Ops.Log(Ops.Add(yPred, Ops.Epsilon)))));
}
