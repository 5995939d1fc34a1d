using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// Lamb (You et al. 2019), Keras's rule: Adam's moments m and v with bias correction give the
/// direction u = m̂ / (√v̂ + ε); each weight then moves by lr·(‖w‖ / ‖u‖)·u, a trust ratio per weight
/// tensor (1 when either norm is 0), so that large batches train with a layer-wise step size.
/// Defaults lr 0.001, β1 0.9, β2 0.999, ε 1e−7 (Keras's <c>keras.optimizers.Lamb</c>).
/// </summary>
public sealed class Lamb : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator fuzz.</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Lamb(LearningRate? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
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

    // keras/src/optimizers/lamb.py build: momentum and velocity, interleaved per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("momentum", 0), ("velocity", 1)]];

    internal override string KerasName => "lamb";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [ZerosLike(v), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        double t = Iterations + 1;
        s[0].Assign(Ops.Add(s[0], Ops.Multiply(Ops.Subtract(g, s[0]), (float)(1 - Beta1))));
        s[1].Assign(Ops.Add(s[1], Ops.Multiply(Ops.Subtract(Ops.Square(g), s[1]), (float)(1 - Beta2))));
        var mHat = Ops.Multiply(s[0], (float)(1 / (1 - Math.Pow(Beta1, t))));
        var vSqrt = Ops.Add(Ops.Sqrt(Ops.Multiply(s[1], (float)(1 / (1 - Math.Pow(Beta2, t))))), (float)Epsilon);
        var update = Ops.Divide(mHat, vSqrt);
        double wNorm = Math.Sqrt(Ops.Sum(Ops.Square(w)).Item()), uNorm = Math.Sqrt(Ops.Sum(Ops.Square(update)).Item());
        double ratio = wNorm > 0 && uNorm > 0 ? wNorm / uNorm : 1.0;
        w.Assign(Ops.Subtract(w, Ops.Multiply(update, (float)(ratio * lr))));
    }
}
