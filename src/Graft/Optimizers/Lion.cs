using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// Lion (Chen et al. 2023), Keras's rule: w ← w − lr·sign(β1·m + (1 − β1)g), then
/// m ← β2·m + (1 − β2)g. Every step has the same size per element, so Lion wants a learning rate
/// 3–10× smaller than AdamW's. Defaults lr 0.001, β1 0.9, β2 0.99.
/// </summary>
public sealed class Lion : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta1">Interpolation between momentum and gradient for the step.</param>
    /// <param name="beta2">Momentum decay.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Lion(LearningRate? learningRate = null, double beta1 = 0.9, double beta2 = 0.99,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        if (!(beta1 is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"Lion: expected beta_1 in [0, 1], got {beta1}.");
        Beta1 = beta1; Beta2 = beta2;
    }

    /// <summary>Interpolation between momentum and gradient for the step.</summary>
    public double Beta1 { get; }
    /// <summary>Momentum decay.</summary>
    public double Beta2 { get; }

    // keras/src/optimizers/lion.py build: one momentum per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("momentum", 0)]];

    internal override string KerasName => "lion";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        var direction = Ops.Sign(Ops.Add(Ops.Multiply(s[0], (float)Beta1), Ops.Multiply(g, (float)(1 - Beta1))));
        w.Assign(Ops.Subtract(w, Ops.Multiply(direction, lr)));
        s[0].Assign(Ops.Add(Ops.Multiply(s[0], (float)Beta2), Ops.Multiply(g, (float)(1 - Beta2))));
    }
}
