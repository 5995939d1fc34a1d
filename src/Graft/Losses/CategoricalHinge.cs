using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>max(neg − pos + 1, 0) with pos = Σ y·ŷ and neg = max((1 − y)·ŷ) over the last axis (one-hot targets).</summary>
public sealed class CategoricalHinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "categorical_hinge";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var t = Align(yTrue, yPred);
        var pos = Ops.Sum(Ops.Multiply(t, yPred), [-1]);
        var neg = Ops.Max(Ops.Multiply(Ops.Add(Ops.Negative(t), 1f), yPred), [-1]);
        return Ops.Relu(Ops.Add(Ops.Subtract(neg, pos), 1f));
    }
}
