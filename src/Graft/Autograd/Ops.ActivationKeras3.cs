using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>
/// The activations Keras 3 added (<c>keras/src/activations/activations.py</c>, with the formulas of
/// its backends' <c>nn.py</c>), composed of ops that carry their own gradients.
/// </summary>
public static partial class Ops
{
    /// <summary>Continuously differentiable ELU: max(x, 0) + α(e^(min(x, 0)/α) − 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not positive.</exception>
    public static Tensor Celu(Tensor x, float alpha = 1f)
    {
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), $"Celu: expected alpha > 0, got {alpha}.");
        // min(x, 0) = −relu(−x), so both halves are unary ops.
        var negative = Negative(Relu(Negative(x)));
        return Add(Relu(x), Multiply(Add(Exp(Multiply(negative, 1f / alpha)), -1f), alpha));
    }

    /// <summary>
    /// Gated linear unit: the input split in two halves a, b along <paramref name="axis"/>, a·σ(b).
    /// The output has half the input's size along that axis.
    /// </summary>
    /// <exception cref="ArgumentException">The axis has an odd size.</exception>
    public static Tensor Glu(Tensor x, int axis = -1)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "Glu");
        int n = x.Shape[a];
        if (n % 2 != 0) throw new ArgumentException($"Glu: expected an even size along axis {axis}, got shape {x.Shape}.");
        var sizes = x.Shape.ToArray(); sizes[a] = n / 2;
        var steps = Enumerable.Repeat(1, x.Rank).ToArray();
        // Each slice keeps its own start array: the gradient rule reads it later.
        var secondStart = new int[x.Rank]; secondStart[a] = n / 2;
        var first = Slice(x, new int[x.Rank], sizes, steps);
        var second = Slice(x, secondStart, sizes, steps);
        return Multiply(first, Sigmoid(second));
    }

    /// <summary>clip(x, −1, 1).</summary>
    public static Tensor HardTanh(Tensor x) => Clip(x, -1f, 1f);

    /// <summary>x · hard_sigmoid(x) = x · relu6(x + 3) / 6 (Keras's <c>hard_silu</c>, alias <c>hard_swish</c>).</summary>
    public static Tensor HardSilu(Tensor x) => Multiply(x, HardSigmoid(x));

    /// <summary>log σ(x) = −softplus(−x), without overflow.</summary>
    public static Tensor LogSigmoid(Tensor x) => Negative(Softplus(Negative(x)));

    /// <summary>x − t above t, x + t below −t, else 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is negative.</exception>
    public static Tensor SoftShrink(Tensor x, float threshold = 0.5f)
    {
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), $"SoftShrink: expected threshold >= 0, got {threshold}.");
        // x − clip(x, −t, t) is exactly the three pieces.
        return Subtract(x, Clip(x, -threshold, threshold));
    }

    /// <summary>x where |x| &gt; t, else 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is negative.</exception>
    public static Tensor HardShrink(Tensor x, float threshold = 0.5f)
    {
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), $"HardShrink: expected threshold >= 0, got {threshold}.");
        return Where(Greater(Abs(x), Tensor.Scalar(threshold, x.Device)), x, Tensor.Scalar(0f, x.Device));
    }

    /// <summary>x − tanh(x).</summary>
    public static Tensor TanhShrink(Tensor x) => Subtract(x, Tanh(x));

    /// <summary>0 for x ≤ −1, (x + 1)²/4 for −1 &lt; x &lt; 1, x for x ≥ 1.</summary>
    public static Tensor SparsePlus(Tensor x)
    {
        // Clipping to [−1, 1] gives the quadratic piece its zero below −1 (and a zero gradient there).
        var quadratic = Multiply(Square(Add(Clip(x, -1f, 1f), 1f)), 0.25f);
        return Where(GreaterEqual(x, Tensor.Scalar(1f, x.Device)), x, quadratic);
    }

    /// <summary>0 for x ≤ −1, (x + 1)/2 for −1 &lt; x &lt; 1, 1 for x ≥ 1.</summary>
    public static Tensor SparseSigmoid(Tensor x) => Multiply(Add(Clip(x, -1f, 1f), 1f), 0.5f);

    /// <summary>(x + √(x² + b)) / 2, a smooth relu (Keras's default b = 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="b"/> is negative.</exception>
    public static Tensor Squareplus(Tensor x, float b = 4f)
    {
        if (!(b >= 0)) throw new ArgumentOutOfRangeException(nameof(b), $"Squareplus: expected b >= 0, got {b}.");
        return Multiply(Add(x, Sqrt(Add(Square(x), b))), 0.5f);
    }

    /// <summary>x where x &gt; <paramref name="threshold"/>, else <paramref name="defaultValue"/>.</summary>
    public static Tensor Threshold(Tensor x, float threshold, float defaultValue) =>
        Where(Greater(x, Tensor.Scalar(threshold, x.Device)), x, Tensor.Scalar(defaultValue, x.Device));

    /// <summary>x · tanh(softplus(x)).</summary>
    public static Tensor Mish(Tensor x) => Multiply(x, Tanh(Softplus(x)));

    /// <summary>
    /// Sparsemax along <paramref name="axis"/>: the Euclidean projection of x onto the probability
    /// simplex, max(x − τ, 0) with τ chosen so the values sum to 1 (Martins and Astudillo, 2016).
    /// </summary>
    /// <remarks>
    /// τ = (Σ over the support of x − 1) / k, where the support holds the k largest values. Keras 3's
    /// backends up to August 2026 summed the running sums over the support instead, which agrees only
    /// when one value survives (keras-team/keras#23425, fixed by #23469); Graft follows the paper and
    /// the fix. The support is found without sorting: x_i belongs to it exactly when
    /// 1 + k_i·x_i &gt; Σ_{x_j ≥ x_i} x_j, with k_i = #{j : x_j ≥ x_i}, an n × n comparison per row.
    /// The gradient is that of the support's affine map, S_i(δ_ij − S_j / k).
    /// </remarks>
    public static Tensor Sparsemax(Tensor x, int axis = -1)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "Sparsemax");
        Tensor support;
        using (GradMode.NoGrad())
        {
            var v = x.Detach();
            var xi = ExpandDims(v, a + 1);                     // [..., n, 1, ...]
            var xj = ExpandDims(v, a);                         // [..., 1, n, ...]
            var atLeast = GreaterEqual(xj, xi);                // [..., i, j, ...]: x_j ≥ x_i
            var count = Sum(atLeast, [a + 1]);
            var total = Sum(Multiply(atLeast, xj), [a + 1]);
            support = Greater(Add(Multiply(count, v), 1f), total);
        }
        var k = Sum(support, [a], keepDims: true);
        var tau = Divide(Add(Sum(Multiply(support, x), [a], keepDims: true), -1f), k);
        return Multiply(support, Subtract(x, tau));
    }
}
