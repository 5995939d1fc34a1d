using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// Adamax (Adam with the infinity norm), Keras's rule: m ← m + (g − m)(1 − β1), u ← max(β2·u, |g|),
/// w ← w − lr·m / ((1 − β1ᵗ)(u + ε)). Defaults lr 0.001, β1 0.9, β2 0.999, ε 1e−7.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Infinity-norm decay.</param>
    /// <param name="epsilon">Denominator fuzz.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Adamax(LearningRate? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }
    /// <summary>Infinity-norm decay.</summary>
    public double Beta2 { get; }
    /// <summary>Denominator fuzz.</summary>
    public double Epsilon { get; }

    // keras/src/optimizers/adamax.py build: momentum and norm, interleaved per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("momentum", 0), ("norm", 1)]];

    internal override string KerasName => "adamax";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        double t = Iterations + 1;
        s[0].Assign(Ops.Add(s[0], Ops.Multiply(Ops.Subtract(g, s[0]), (float)(1 - Beta1))));
        s[1].Assign(Ops.Maximum(Ops.Multiply(s[1], (float)Beta2), Ops.Abs(g)));
        float step = (float)(lr / (1 - Math.Pow(Beta1, t)));
        w.Assign(Ops.Subtract(w, Ops.Divide(Ops.Multiply(s[0], step), Ops.Add(s[1], (float)Epsilon))));
    }
}
