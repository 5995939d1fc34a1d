using Graft.Autograd;

namespace Graft.Tensors;

public sealed partial class Tensor
{
    /// <summary>Element-wise sum with NumPy broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    /// <summary>Element-wise difference with NumPy broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Subtract(a, b);
    /// <summary>Element-wise product with NumPy broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Multiply(a, b);
    /// <summary>Element-wise quotient with NumPy broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Divide(a, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Ops.Negative(a);

    /// <summary>x + c.</summary>
    public static Tensor operator +(Tensor a, float c) => Ops.Add(a, c);
    /// <summary>c + x.</summary>
    public static Tensor operator +(float c, Tensor a) => Ops.Add(a, c);
    /// <summary>x − c.</summary>
    public static Tensor operator -(Tensor a, float c) => Ops.Add(a, -c);
    /// <summary>c − x.</summary>
    public static Tensor operator -(float c, Tensor a) => Ops.Add(Ops.Negative(a), c);
    /// <summary>x · c.</summary>
    public static Tensor operator *(Tensor a, float c) => Ops.Multiply(a, c);
    /// <summary>c · x.</summary>
    public static Tensor operator *(float c, Tensor a) => Ops.Multiply(a, c);
    /// <summary>x / c (e.g. <c>x / 255f</c>).</summary>
    public static Tensor operator /(Tensor a, float c) => Ops.Divide(a, Scalar(c));
    /// <summary>c / x.</summary>
    public static Tensor operator /(float c, Tensor a) => Ops.Divide(Scalar(c), a);

    /// <summary>1 where a &gt; b, else 0.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Ops.Greater(a, b);
    /// <summary>1 where a &lt; b, else 0.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Ops.Less(a, b);
    /// <summary>1 where a ≥ b, else 0.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Ops.GreaterEqual(a, b);
    /// <summary>1 where a ≤ b, else 0.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Ops.LessEqual(a, b);
    /// <summary>1 where x &gt; c, else 0.</summary>
    public static Tensor operator >(Tensor a, float c) => Ops.Greater(a, Scalar(c));
    /// <summary>1 where x &lt; c, else 0.</summary>
    public static Tensor operator <(Tensor a, float c) => Ops.Less(a, Scalar(c));
    /// <summary>1 where x ≥ c, else 0.</summary>
    public static Tensor operator >=(Tensor a, float c) => Ops.GreaterEqual(a, Scalar(c));
    /// <summary>1 where x ≤ c, else 0.</summary>
    public static Tensor operator <=(Tensor a, float c) => Ops.LessEqual(a, Scalar(c));

    /// <summary>1 where equal, else 0 (element-wise; == stays reference equality).</summary>
    public Tensor ElementEquals(Tensor other) => Ops.Equal(this, other);

    /// <summary>Elements of <paramref name="a"/> where <paramref name="condition"/> is non-zero, else of <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Ops.Where(condition, a, b);

    /// <summary>Joins tensors along an existing axis.</summary>
    public static Tensor Concatenate(IEnumerable<Tensor> tensors, int axis = 0) => Ops.Concatenate(tensors, axis);

    /// <summary>Joins equally shaped tensors along a new axis.</summary>
    public static Tensor Stack(IEnumerable<Tensor> tensors, int axis = 0) => Ops.Stack(tensors, axis);

    /// <summary>Same elements, new shape (one −1 is inferred); shares memory.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);
    /// <summary>Reverses the axes (matrix transpose for rank 2).</summary>
    public Tensor Transpose() => Ops.Transpose(this);
    /// <summary>Reorders axes.</summary>
    public Tensor Permute(params int[] axes) => Ops.Permute(this, axes);
    /// <summary>Rows along <paramref name="axis"/> picked by index (for shuffling batches).</summary>
    public Tensor Gather(int[] indices, int axis = 0) => Ops.Gather(this, indices, axis);
    /// <summary>Matrix product over the last two axes.</summary>
    public Tensor MatMul(Tensor other) => Ops.MatMul(this, other);

    /// <summary>Sum over axes (all when none are given).</summary>
    public Tensor Sum(int[]? axes = null, bool keepDims = false) => Ops.Sum(this, axes, keepDims);
    /// <summary>Sum along one axis.</summary>
    public Tensor Sum(int axis, bool keepDims = false) => Ops.Sum(this, [axis], keepDims);
    /// <summary>Mean over axes (all when none are given).</summary>
    public Tensor Mean(int[]? axes = null, bool keepDims = false) => Ops.Mean(this, axes, keepDims);
    /// <summary>Mean along one axis.</summary>
    public Tensor Mean(int axis, bool keepDims = false) => Ops.Mean(this, [axis], keepDims);
    /// <summary>Maximum over axes (all when none are given).</summary>
    public Tensor Max(int[]? axes = null, bool keepDims = false) => Ops.Max(this, axes, keepDims);
    /// <summary>Minimum over axes (all when none are given).</summary>
    public Tensor Min(int[]? axes = null, bool keepDims = false) => Ops.Min(this, axes, keepDims);
    /// <summary>Index of the maximum along an axis.</summary>
    public Tensor ArgMax(int axis = -1, bool keepDims = false) => Ops.ArgMax(this, axis, keepDims);
    /// <summary>Population variance over axes (all when none are given).</summary>
    public Tensor Variance(int[]? axes = null, bool keepDims = false) => Ops.Variance(this, axes, keepDims);
}
