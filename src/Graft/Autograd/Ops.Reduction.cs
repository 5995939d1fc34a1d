using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>Sorted distinct non-negative axes; null means all axes.</summary>
    internal static int[] NormalizeAxes(int[]? axes, int rank, string op)
    {
        if (axes is null) return Enumerable.Range(0, rank).ToArray();
        var r = new SortedSet<int>();
        foreach (int a in axes)
        {
            int n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank)
                throw new ArgumentOutOfRangeException(nameof(axes), $"{op}: expected axes in [{-rank}, {rank - 1}], got {a} for a tensor of rank {rank}.");
            if (!r.Add(n)) throw new ArgumentException($"{op}: expected distinct axes, got {a} twice.");
        }
        return r.ToArray();
    }

    private static Shape ReducedShape(Shape s, int[] axes, bool keepDims) =>
        Shape.Wrap(keepDims
            ? s.Dims.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
            : s.Dims.Where((_, i) => !axes.Contains(i)).ToArray());

    private static Shape KeepDimsShape(Shape s, int[] axes) => ReducedShape(s, axes, true);

    // d Σx = g broadcast back over the reduced axes.
    /// <summary>Sum over <paramref name="axes"/> (all when null), like <c>keras.ops.sum</c>.</summary>
    public static Tensor Sum(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = NormalizeAxes(axes, x.Rank, "Sum");
        var y = Tensor.Empty(ReducedShape(x.Shape, ax, keepDims), zero: false, x.Device);
        x.Backend.Reduce(ReduceOp.Sum, x, ax, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "Sum", g =>
        {
            var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
            x.Backend.Binary(BinaryOp.Add, Reshape(g, KeepDimsShape(x.Shape, ax).Dims), Tensor.Scalar(0f, x.Device), gx);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Mean over <paramref name="axes"/> (all when null).</summary>
    public static Tensor Mean(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = NormalizeAxes(axes, x.Rank, "Mean");
        long count = 1;
        foreach (int a in ax) count *= x.Shape.Dims[a];
        return Multiply(Sum(x, ax, keepDims), count == 0 ? float.NaN : 1f / count);
    }

    // d max = g at the maximal elements, shared equally between ties (TensorFlow's rule).
    private static Tensor Extreme(Tensor x, int[]? axes, bool keepDims, ReduceOp op, string name)
    {
        var ax = NormalizeAxes(axes, x.Rank, name);
        foreach (int a in ax)
            if (x.Shape.Dims[a] == 0) throw new ArgumentException($"{name}: expected a non-empty axis {a}, got shape {x.Shape}.");
        var y = Tensor.Empty(ReducedShape(x.Shape, ax, keepDims), zero: false, x.Device);
        x.Backend.Reduce(op, x, ax, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, name, g =>
        {
            var keep = KeepDimsShape(x.Shape, ax).Dims;
            var mask = Equal(x, Reshape(y, keep));
            var count = Sum(mask, ax, keepDims: true);
            x.AccumulateGrad(Multiply(mask, Divide(Reshape(g, keep), count)));
        }, x);
    }

    /// <summary>Maximum over <paramref name="axes"/> (all when null).</summary>
    public static Tensor Max(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme(x, axes, keepDims, ReduceOp.Max, "Max");

    /// <summary>Minimum over <paramref name="axes"/> (all when null).</summary>
    public static Tensor Min(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme(x, axes, keepDims, ReduceOp.Min, "Min");

    /// <summary>Index of the largest value along <paramref name="axis"/> (first on ties), as floats.</summary>
    public static Tensor ArgMax(Tensor x, int axis = -1, bool keepDims = false) => Arg(x, axis, keepDims, true);

    /// <summary>Index of the smallest value along <paramref name="axis"/> (first on ties), as floats.</summary>
    public static Tensor ArgMin(Tensor x, int axis = -1, bool keepDims = false) => Arg(x, axis, keepDims, false);

    private static Tensor Arg(Tensor x, int axis, bool keepDims, bool max)
    {
        string name = max ? "ArgMax" : "ArgMin";
        int a = Shape.NormalizeAxis(axis, x.Rank, name);
        if (x.Shape.Dims[a] == 0) throw new ArgumentException($"{name}: expected a non-empty axis {axis}, got shape {x.Shape}.");
        var y = Tensor.Empty(ReducedShape(x.Shape, [a], keepDims), zero: false, x.Device);
        x.Backend.ArgMax(x, a, y, max);
        return y;
    }

    /// <summary>Population variance over <paramref name="axes"/> (all when null), like <c>keras.ops.var</c>.</summary>
    public static Tensor Variance(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = NormalizeAxes(axes, x.Rank, "Variance");
        var mean = Mean(x, ax, keepDims: true);
        return Mean(Square(Subtract(x, mean)), ax, keepDims);
    }

    /// <summary>Mean and variance over <paramref name="axes"/>, as <c>keras.ops.moments</c> (used by batch normalization).</summary>
    public static (Tensor Mean, Tensor Variance) Moments(Tensor x, int[] axes, bool keepDims = false)
    {
        var ax = NormalizeAxes(axes, x.Rank, "Moments");
        var mean = Mean(x, ax, keepDims: true);
        var variance = Mean(Square(Subtract(x, mean)), ax, keepDims);
        return (keepDims ? mean : Reshape(mean, ReducedShape(x.Shape, ax, false).Dims), variance);
    }

    /// <summary>log Σ eˣ over <paramref name="axes"/>, computed as m + log Σ e^(x−m) so it never overflows.</summary>
    public static Tensor LogSumExp(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var ax = NormalizeAxes(axes, x.Rank, "LogSumExp");
        Tensor m;
        using (GradMode.NoGrad()) m = Max(x, ax, keepDims: true);
        // The shift m is a constant for differentiation: d/dx [m + log Σ e^(x−m)] = softmax(x).
        var shifted = Subtract(x, m);
        var lse = Add(Log(Sum(Exp(shifted), ax, keepDims: true)), m);
        return keepDims ? lse : Reshape(lse, ReducedShape(x.Shape, ax, false).Dims);
    }
}
