using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

/// <summary>Activation functions with the formulas and constants of <c>keras.activations</c>.</summary>
public static partial class Ops
{
    /// <summary>
    /// Keras's relu: <paramref name="maxValue"/> at or above it, x for threshold &lt; x, else
    /// negativeSlope·(x − threshold).
    /// </summary>
    public static Tensor Relu(Tensor x, float negativeSlope = 0f, float? maxValue = null, float threshold = 0f)
    {
        if (maxValue is { } mv && mv < 0) throw new ArgumentOutOfRangeException(nameof(maxValue), $"Relu: expected max_value >= 0, got {mv}.");
        if (threshold == 0f) return Unary(UnaryOp.Relu, x, negativeSlope, maxValue ?? float.NaN);
        // Keras keeps x only above the threshold (strictly: x = threshold gives 0).
        var t = Tensor.Scalar(threshold, x.Device);
        var y = Where(Greater(x, t), x, Multiply(Subtract(x, t), negativeSlope));
        return maxValue is { } m ? Minimum(y, Tensor.Scalar(m, x.Device)) : y;
    }

    /// <summary>x for x ≥ 0, else negativeSlope·x (Keras 3's default slope is 0.2).</summary>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.2f) => Unary(UnaryOp.Relu, x, negativeSlope, float.NaN);

    /// <summary>x for x &gt; 0, else α(eˣ − 1).</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => Unary(UnaryOp.Elu, x, alpha);

    /// <summary>Scaled ELU with Keras's constants α = 1.67326324, scale = 1.05070098.</summary>
    public static Tensor Selu(Tensor x) => Unary(UnaryOp.Selu, x);

    /// <summary>Gaussian error linear unit: x·Φ(x), or its tanh approximation.</summary>
    public static Tensor Gelu(Tensor x, bool approximate = false) => Unary(approximate ? UnaryOp.GeluTanh : UnaryOp.Gelu, x);

    /// <summary>1 / (1 + e^−x).</summary>
    public static Tensor Sigmoid(Tensor x) => Unary(UnaryOp.Sigmoid, x);

    /// <summary>Keras 3's hard sigmoid: relu6(x + 3) / 6.</summary>
    public static Tensor HardSigmoid(Tensor x) => Unary(UnaryOp.HardSigmoid, x, 1f / 6f, 0.5f);

    /// <summary>Keras 1 and 2's hard sigmoid, clip(0.2·x + 0.5, 0, 1), which files of those versions were trained with.</summary>
    public static Tensor HardSigmoidKeras2(Tensor x) => Unary(UnaryOp.HardSigmoid, x, 0.2f, 0.5f);

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => Unary(UnaryOp.Tanh, x);

    /// <summary>log(1 + eˣ), computed without overflow.</summary>
    public static Tensor Softplus(Tensor x) => Unary(UnaryOp.Softplus, x);

    /// <summary>x / (|x| + 1).</summary>
    public static Tensor Softsign(Tensor x) => Unary(UnaryOp.Softsign, x);

    /// <summary>x·σ(x) (swish / SiLU).</summary>
    public static Tensor Silu(Tensor x) => Unary(UnaryOp.Silu, x);

    /// <summary>Alias of <see cref="Silu"/>, Keras's <c>swish</c>.</summary>
    public static Tensor Swish(Tensor x) => Silu(x);

    /// <summary>eˣ (Keras's <c>exponential</c> activation).</summary>
    public static Tensor Exponential(Tensor x) => Exp(x);

    /// <summary>The identity (Keras's <c>linear</c> activation).</summary>
    public static Tensor Linear(Tensor x) => x;

    /// <summary>e^(x − max) / Σ e^(x − max) along <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => SoftmaxCore(x, axis, log: false);

    /// <summary>x − logΣeˣ along <paramref name="axis"/>, without forming the softmax.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => SoftmaxCore(x, axis, log: true);

    private static Tensor SoftmaxCore(Tensor x, int axis, bool log)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, log ? "LogSoftmax" : "Softmax");
        var y = Tensor.Empty(x.Shape, zero: false, x.Device);
        x.Backend.Softmax(x, a, y, log);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, log ? "LogSoftmax" : "Softmax", g =>
        {
            var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
            x.Backend.SoftmaxBackward(y, g, a, gx, log);
            x.AccumulateGrad(gx);
        }, x);
    }
}
