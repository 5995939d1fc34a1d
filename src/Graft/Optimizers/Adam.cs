using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>Adam with Keras's defaults (lr 0.001, β1 0.9, β2 0.999, ε 1e−7), bias correction folded into the step size.</summary>
public class Adam : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator fuzz.</param>
    /// <param name="amsgrad">Use the running maximum of the second moment.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Adam(LearningRate? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon; Amsgrad = amsgrad;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }
    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }
    /// <summary>Denominator fuzz.</summary>
    public double Epsilon { get; }
    /// <summary>AMSGrad variant.</summary>
    public bool Amsgrad { get; }

    // keras/src/optimizers/adam.py build: momentum and velocity interleaved, then velocity_hat.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups =>
        Amsgrad ? [[("momentum", 0), ("velocity", 1)], [("velocity_hat", 2)]] : [[("momentum", 0), ("velocity", 1)]];

    internal override string KerasName => "adam";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => Amsgrad ? [ZerosLike(v), ZerosLike(v), ZerosLike(v)] : [ZerosLike(v), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] slots, float lr)
    {
        double t = Iterations + 1;
        // α = lr·√(1 − β2ᵗ) / (1 − β1ᵗ)
        float alpha = (float)(lr * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
        w.Backend.AdamStep(w, g, slots[0], slots[1], Amsgrad ? slots[2] : null, alpha, (float)Beta1, (float)Beta2, (float)Epsilon);
    }
}
