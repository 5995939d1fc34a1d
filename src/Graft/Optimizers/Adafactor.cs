using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Optimizers;

/// <summary>
/// Adafactor (Shazeer and Stern 2018), Keras's rule: the second moment of a weight with two or more
/// axes is kept factored, as a row mean r and a column mean c over its last two axes
/// (v = r·cᵀ / mean(r)), which saves memory on large matrices; a vector keeps a full v. The decay is
/// β2(t) = 1 − t^<c>beta_2_decay</c>, the update g / √v is scaled down when its RMS exceeds
/// <c>clip_threshold</c>, and the step is max(ε2, RMS(w))·min(lr, 1/√t), relative to the weight's size.
/// Defaults lr 0.001, β2 decay −0.8, ε1 1e−30, ε2 1e−3, clip threshold 1, relative step on
/// (Keras's <c>keras.optimizers.Adafactor</c>).
/// </summary>
public sealed class Adafactor : Optimizer
{
    /// <param name="learningRate">Default 0.001.</param>
    /// <param name="beta2Decay">Exponent of the second-moment decay schedule.</param>
    /// <param name="epsilon1">Added to g² to keep the denominator away from 0.</param>
    /// <param name="epsilon2">Lower bound of the step's scale, so a zero weight still moves.</param>
    /// <param name="clipThreshold">RMS above which the update is scaled down (independent of <c>clipnorm</c>).</param>
    /// <param name="relativeStep">With a fixed learning rate, cap it by 1/√t (Keras's built-in decay).</param>
    /// <param name="weightDecay">Decoupled decay, or null.</param>
    /// <param name="clipnorm">Per-weight gradient norm cap.</param>
    /// <param name="clipvalue">Gradient element cap.</param>
    /// <param name="globalClipnorm">Global gradient norm cap.</param>
    public Adafactor(LearningRate? learningRate = null, double beta2Decay = -0.8, double epsilon1 = 1e-30, double epsilon2 = 1e-3,
        double clipThreshold = 1.0, bool relativeStep = true,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Beta2Decay = beta2Decay; Epsilon1 = epsilon1; Epsilon2 = epsilon2; ClipThreshold = clipThreshold; RelativeStep = relativeStep;
    }

    /// <summary>Exponent of the second-moment decay schedule (Keras's <c>beta_2_decay</c>).</summary>
    public double Beta2Decay { get; }
    /// <summary>Added to g² (Keras's <c>epsilon_1</c>).</summary>
    public double Epsilon1 { get; }
    /// <summary>Lower bound of the step's scale (Keras's <c>epsilon_2</c>).</summary>
    public double Epsilon2 { get; }
    /// <summary>RMS above which the update is scaled down.</summary>
    public double ClipThreshold { get; }
    /// <summary>Whether a fixed learning rate is capped by 1/√t.</summary>
    public bool RelativeStep { get; }

    // keras/src/optimizers/adafactor.py build: for each weight, r and c (only for two or more axes;
    // a vector's placeholders are not optimizer variables), then its velocity.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("r", 0), ("c", 1), ("velocity", 2)]];

    internal override IEnumerable<(string Name, int Slot)> KerasSlots(Variable v, (string Name, int Slot)[] group) =>
        v.Shape.Rank >= 2 ? group : [("velocity", 0)];

    internal override Shape KerasSlotShape(Variable v, int slot)
    {
        var dims = v.Shape.ToArray();
        return dims.Length < 2 || slot == 2 ? v.Shape : slot == 0 ? new Shape(dims[..^1]) : new Shape([.. dims[..^2], dims[^1]]);
    }

    internal override string KerasName => "adafactor";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v)
    {
        if (v.Shape.Rank < 2) return [ZerosLike(v)];
        // r drops the last axis, c the one before it.
        return [Tensor.Zeros(KerasSlotShape(v, 0).ToArray(), v.Value.Device), Tensor.Zeros(KerasSlotShape(v, 1).ToArray(), v.Value.Device), ZerosLike(v)];
    }

    private static double Rms(Tensor x) => Math.Sqrt(Ops.Mean(Ops.Square(x)).Item());

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr)
    {
        double t = Iterations + 1, rate = lr;
        if (Schedule is null && RelativeStep) rate = Math.Min(rate, 1 / Math.Sqrt(t));
        double rho = Math.Min(rate, 1 / Math.Sqrt(t));
        double alpha = Math.Max(Epsilon2, Rms(w)) * rho;
        var squared = Ops.Add(Ops.Square(g), (float)Epsilon1);
        float beta2 = (float)(1 - Math.Pow(t, Beta2Decay));
        Tensor v;
        int rank = w.Rank;
        if (rank >= 2)
        {
            Tensor r = s[0], c = s[1];
            r.Assign(Ops.Add(Ops.Multiply(r, beta2), Ops.Multiply(Ops.Mean(squared, [rank - 1]), 1 - beta2)));
            c.Assign(Ops.Add(Ops.Multiply(c, beta2), Ops.Multiply(Ops.Mean(squared, [rank - 2]), 1 - beta2)));
            var rNormalized = Ops.Divide(r, Ops.Mean(r, [rank - 2], keepDims: true));
            v = s[2];
            v.Assign(Ops.Multiply(Ops.ExpandDims(rNormalized, rank - 1), Ops.ExpandDims(c, rank - 2)));
        }
        else
        {
            v = s[0];
            v.Assign(Ops.Add(Ops.Multiply(v, beta2), Ops.Multiply(squared, 1 - beta2)));
        }
        var u = Ops.Divide(g, Ops.Sqrt(v));
        double scale = Math.Max(1, Rms(u) / ClipThreshold);
        w.Assign(Ops.Subtract(w, Ops.Multiply(u, (float)(alpha / scale))));
    }
}
