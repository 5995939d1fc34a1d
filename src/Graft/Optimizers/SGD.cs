using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum; Keras's default rate 0.01.</summary>
public sealed class SGD : Optimizer
{
    /// <param name="learningRate">Default 0.01.</param>
    /// <param name="momentum">In [0, 1]; 0 is plain SGD.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public SGD(LearningRate? learningRate = null, double momentum = 0.0, bool nesterov = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.01, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        if (momentum is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD: expected momentum in [0, 1], got {momentum}.");
        Momentum = momentum; Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }
    /// <summary>Whether momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    // keras/src/optimizers/sgd.py build: momentums only when momentum != 0.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => Momentum > 0 ? [[("momentum", 0)]] : [];

    internal override string KerasName => "SGD";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => Momentum > 0 ? [ZerosLike(v)] : [];

    internal override bool HasRangeUpdates => true;

    internal override WeightRangeUpdate? RangeUpdate(Tensor w, Tensor[] slots, float lr)
    {
        if (w.Backend is not IOptimizerKernels kernels) return null;
        var velocity = slots.Length > 0 ? slots[0] : null;
        float momentum = (float)Momentum;
        bool nesterov = Nesterov;
        return (start, gradient) => kernels.SgdRange(w, velocity, start, gradient, lr, momentum, nesterov);
    }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] slots, float lr) =>
        w.Backend.SgdStep(w, g, slots.Length > 0 ? slots[0] : null, lr, (float)Momentum, Nesterov);
}
