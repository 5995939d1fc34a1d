using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>RMSprop with Keras's defaults (lr 0.001, ρ 0.9, no momentum, ε 1e−7, not centered).</summary>
public sealed class RMSprop : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="rho">Decay of the squared-gradient average.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="epsilon">Denominator fuzz.</param>
    /// <param name="centered">Divide by the variance instead of the second moment.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public RMSprop(LearningRate? learningRate = null, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Rho = rho; Momentum = momentum; Epsilon = epsilon; Centered = centered;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Rho { get; }
    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }
    /// <summary>Denominator fuzz.</summary>
    public double Epsilon { get; }
    /// <summary>Centered variant.</summary>
    public bool Centered { get; }

    // keras/src/optimizers/rmsprop.py build: velocities, then momentums, then average gradients, each for all weights.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups =>
        new[] { [("velocity", 0)], Momentum > 0 ? [("momentum", 2)] : null, Centered ? new[] { ("average_gradient", 1) } : null }
            .OfType<(string, int)[]>().ToList();

    internal override string KerasName => "rmsprop";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v), Centered ? ZerosLike(v) : null!, Momentum > 0 ? ZerosLike(v) : null!];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr) =>
        w.Backend.RmsPropStep(w, g, s[0], s[1], s[2], lr, (float)Rho, (float)Momentum, (float)Epsilon);
}
