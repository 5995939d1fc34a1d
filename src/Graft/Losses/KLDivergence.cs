using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>Σ y·log(y / ŷ) over the last axis, both clamped to [1e−7, 1].</summary>
public sealed class KLDivergence : Loss
{
    /// <inheritdoc/>
    public override string Name => "kl_divergence";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Ops.Clip(Align(yTrue, yPred), Ops.Epsilon, 1f);
        var p = Ops.Clip(yPred, Ops.Epsilon, 1f);
        return Ops.Sum(Ops.Multiply(t, Ops.Log(Ops.Divide(t, p))), [-1]);
    }
}
