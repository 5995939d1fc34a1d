using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// FTRL-Proximal (McMahan et al. 2013, "Follow The Regularized Leader"), Keras's rule with online
/// L1 and L2 regularization and L2 shrinkage: n ← n + g², z ← z + g' − ((n_new^−p − n^−p) / lr)·w with
/// g' = g + 2·shrinkage·w, and w ← (clip(z, −λ1, λ1) − z) / (n_new^−p / lr + 2·(λ2 + β / (2·lr))),
/// where p is <c>learning_rate_power</c>. Suited to shallow models over wide sparse features. Defaults
/// lr 0.001, power −0.5, initial accumulator 0.1, no regularization, β 0 (Keras's <c>keras.optimizers.Ftrl</c>).
/// </summary>
public sealed class Ftrl : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="learningRatePower">How the per-element rate falls with the squared-gradient sum; ≤ 0 (−0.5: 1/√n).</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sum n; ≥ 0.</param>
    /// <param name="l1RegularizationStrength">Online L1 strength λ1; ≥ 0.</param>
    /// <param name="l2RegularizationStrength">Online L2 strength λ2; ≥ 0.</param>
    /// <param name="l2ShrinkageRegularizationStrength">L2 penalty added to the gradient (magnitude shrinkage); ≥ 0.</param>
    /// <param name="beta">Added to √n in the denominator (β / (2·lr) joins λ2).</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    /// <exception cref="ArgumentOutOfRangeException">A strength or the initial accumulator is negative, or the power positive.</exception>
    public Ftrl(LearningRate? learningRate = null, double learningRatePower = -0.5, double initialAccumulatorValue = 0.1,
        double l1RegularizationStrength = 0.0, double l2RegularizationStrength = 0.0, double l2ShrinkageRegularizationStrength = 0.0,
        double beta = 0.0, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        foreach (var (value, name) in new[] { (initialAccumulatorValue, "initial_accumulator_value"), (l1RegularizationStrength, "l1_regularization_strength"),
            (l2RegularizationStrength, "l2_regularization_strength"), (l2ShrinkageRegularizationStrength, "l2_shrinkage_regularization_strength") })
            if (!(value >= 0)) throw new ArgumentOutOfRangeException(name, $"Ftrl: expected {name} >= 0, got {value}.");
        if (!(learningRatePower <= 0))
            throw new ArgumentOutOfRangeException(nameof(learningRatePower), $"Ftrl: expected learning_rate_power <= 0, got {learningRatePower}.");
        LearningRatePower = learningRatePower; InitialAccumulatorValue = initialAccumulatorValue;
        L1RegularizationStrength = l1RegularizationStrength; L2RegularizationStrength = l2RegularizationStrength;
        L2ShrinkageRegularizationStrength = l2ShrinkageRegularizationStrength; Beta = beta;
    }

    /// <summary>How the per-element rate falls with the squared-gradient sum (Keras's <c>learning_rate_power</c>).</summary>
    public double LearningRatePower { get; }
    /// <summary>Starting value of the squared-gradient sum.</summary>
    public double InitialAccumulatorValue { get; }
    /// <summary>Online L1 strength.</summary>
    public double L1RegularizationStrength { get; }
    /// <summary>Online L2 strength.</summary>
    public double L2RegularizationStrength { get; }
    /// <summary>L2 shrinkage strength, added to the gradient.</summary>
    public double L2ShrinkageRegularizationStrength { get; }
    /// <summary>Keras's <c>beta</c>, added to √n in the denominator.</summary>
    public double Beta { get; }

    // keras/src/optimizers/ftrl.py build: accumulator (initial value) and linear, interleaved per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("accumulator", 0), ("linear", 1)]];

    internal override string KerasName => "ftrl";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [Tensor.Full((float)InitialAccumulatorValue, v.Shape.ToArray(), v.Value.Device), ZerosLike(v)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        Tensor accum = s[0], linear = s[1];
        float power = (float)-LearningRatePower;
        double l2 = L2RegularizationStrength + Beta / (2.0 * lr);
        var gradToUse = Ops.Add(g, Ops.Multiply(w, (float)(2 * L2ShrinkageRegularizationStrength)));
        var newAccum = Ops.Add(accum, Ops.Square(g));
        var newPow = Ops.Power(newAccum, power);
        var sigma = Ops.Multiply(Ops.Subtract(newPow, Ops.Power(accum, power)), 1f / lr);
        linear.Assign(Ops.Add(linear, Ops.Subtract(gradToUse, Ops.Multiply(sigma, w))));
        var quadratic = Ops.Add(Ops.Multiply(newPow, 1f / lr), (float)(2 * l2));
        float l1 = (float)L1RegularizationStrength;
        w.Assign(Ops.Divide(Ops.Subtract(Ops.Clip(linear, -l1, l1), linear), quadratic));
        accum.Assign(newAccum);
    }
}
