using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// Adadelta, Keras's rule: a ← ρa + (1 − ρ)g², Δ = −√(d + ε)/√(a + ε)·g, d ← ρd + (1 − ρ)Δ²,
/// w ← w + lr·Δ. Defaults lr 0.001, ρ 0.95, ε 1e−7.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="rho">Decay of both running averages.</param>
    /// <param name="epsilon">Fuzz inside the square roots.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Adadelta(LearningRate? learningRate = null, double rho = 0.95, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Rho = rho; Epsilon = epsilon;
    }

    /// <summary>Decay of both running averages.</summary>
    public double Rho { get; }
    /// <summary>Fuzz inside the square roots.</summary>
    public double Epsilon { get; }

    // keras/src/optimizers/adadelta.py build: accumulated_grad and accumulated_delta_var, interleaved per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("accumulated_grad", 0), ("accumulated_delta_var", 1)]];

    internal override string KerasName => "adadelta";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        float rho = (float)Rho, eps = (float)Epsilon;
        s[0].Assign(Ops.Add(Ops.Multiply(s[0], rho), Ops.Multiply(Ops.Square(g), 1 - rho)));
        var delta = Ops.Negative(Ops.Divide(Ops.Multiply(Ops.Sqrt(Ops.Add(s[1], eps)), g), Ops.Sqrt(Ops.Add(s[0], eps))));
        s[1].Assign(Ops.Add(Ops.Multiply(s[1], rho), Ops.Multiply(Ops.Square(delta), 1 - rho)));
        w.Assign(Ops.Add(w, Ops.Multiply(delta, lr)));
    }
}
