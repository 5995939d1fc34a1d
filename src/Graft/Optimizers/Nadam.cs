using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>Adam with Nesterov momentum (Keras's Nadam: momentum schedule with decay 0.96), lr 0.001.</summary>
public sealed class Nadam : Optimizer
{
    private double _uProduct = 1.0;

    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator fuzz.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Nadam(LearningRate? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }
    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }
    /// <summary>Denominator fuzz.</summary>
    public double Epsilon { get; }

    private double U(double step) => Beta1 * (1.0 - 0.5 * Math.Pow(0.96, step));

    // keras/src/optimizers/nadam.py build: momentum and velocity interleaved; u_product is handled by the file format.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("momentum", 0), ("velocity", 1)]];

    internal override string KerasName => "nadam";

    /// <summary>Running product of the momentum schedule (Keras's <c>_u_product</c>), through the last update.</summary>
    internal double UProduct { get => _uProduct; set => _uProduct = value; }

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        double t = Iterations + 1;
        double uT = U(t), uT1 = U(t + 1), uProductT = _uProduct * uT, uProductT1 = uProductT * uT1;
        w.Backend.NadamStep(w, g, s[0], s[1], lr, (float)Beta1, (float)Beta2, (float)Epsilon,
            (float)uT, (float)uT1, (float)uProductT, (float)uProductT1, (float)Math.Pow(Beta2, t));
    }

    /// <inheritdoc/>
    protected override void OnIterationEnd() => _uProduct *= U(Iterations);
}
