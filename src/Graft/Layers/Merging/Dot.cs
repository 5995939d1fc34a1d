using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>
/// The dot product of two samples along one axis of each (Keras's <c>layers.Dot</c>, Keras's
/// <c>batch_dot</c>): the output keeps the first input's other axes, then the second's, and is
/// (batch, 1) when none are left. With <c>normalize</c>, each input is first scaled to unit L2
/// norm along its axis, which makes the product the cosine similarity.
/// </summary>
public sealed class Dot : Merge
{
    /// <param name="axes">The contracted axis: one for both inputs, or one per input (not the batch axis; negative from the end).</param>
    /// <param name="normalize">Scale each input to unit L2 norm along its axis first.</param>
    /// <param name="name">Layer name.</param>
    public Dot(IntTuple axes, bool normalize = false, string? name = null) : base(name)
    {
        if (axes.Count is not (1 or 2)) throw new ArgumentException($"Dot: expected axes as one integer or a pair, got {axes}.");
        Axes = [.. axes];
        Normalize = normalize;
    }

    /// <summary>The contracted axes as given (one, or one per input).</summary>
    public int[] Axes { get; }
    /// <summary>Whether the inputs are L2-normalized first.</summary>
    public bool Normalize { get; }

    // Keras's rule: a negative axis counts from the end of each input's own rank.
    private (int, int) Resolve(int rankX, int rankY)
    {
        int ax = Axes[0], ay = Axes.Length == 2 ? Axes[1] : Axes[0];
        ax = ax < 0 ? ax + rankX : ax; ay = ay < 0 ? ay + rankY : ay;
        if (ax < 1 || ax >= rankX || ay < 1 || ay >= rankY)
            throw new ArgumentException($"{Describe()}: expected axes after the batch axis, within ranks {rankX} and {rankY}, got {Shape.Format(Axes)}.");
        return (ax, ay);
    }

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != 2) throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {inputs.Count}.");
        Tensor x = inputs[0], y = inputs[1];
        var (ax, ay) = Resolve(x.Rank, y.Rank);
        if (x.Shape[0] != y.Shape[0] || x.Shape[ax] != y.Shape[ay])
            throw new ArgumentException($"{Describe()}: expected equal batch sizes and equal sizes on axes {ax} and {ay}, got shapes {x.Shape} and {y.Shape}.");
        if (Normalize) { x = L2Normalize(x, ax); y = L2Normalize(y, ay); }
        int n = x.Shape[ax], batch = x.Shape[0];
        var xRest = x.Shape.Dims.Where((_, i) => i != 0 && i != ax).ToArray();
        var yRest = y.Shape.Dims.Where((_, i) => i != 0 && i != ay).ToArray();
        // x → (batch, X, n) with the contracted axis last; y → (batch, n, Y) with it first; one batched product.
        var xm = Ops.Reshape(Ops.Permute(x, [0, .. Enumerable.Range(1, x.Rank - 1).Where(i => i != ax), ax]), batch, -1, n);
        var ym = Ops.Reshape(Ops.Permute(y, [0, ay, .. Enumerable.Range(1, y.Rank - 1).Where(i => i != ay)]), batch, n, -1);
        var product = Ops.MatMul(xm, ym);
        int[] shape = xRest.Length + yRest.Length == 0 ? [batch, 1] : [batch, .. xRest, .. yRest];
        return Ops.Reshape(product, shape);
    }

    // keras.utils.normalize → ops.normalize with Keras's default epsilon 1e-7: x · rsqrt(max(Σx², ε²)).
    private static Tensor L2Normalize(Tensor x, int axis)
    {
        var squares = Ops.Sum(Ops.Square(x), [axis], keepDims: true);
        return Ops.Multiply(x, Ops.Reciprocal(Ops.Sqrt(Ops.Maximum(squares, Tensor.Scalar(1e-14f, x.Device)))));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        if (shapes.Count != 2) throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {shapes.Count}.");
        int?[] sx = shapes[0], sy = shapes[1];
        var (ax, ay) = Resolve(sx.Length, sy.Length);
        if (sx[ax] is { } a && sy[ay] is { } b && a != b)
            throw new ArgumentException($"{Describe()}: expected equal sizes on axes {ax} and {ay}, got shapes {FormatShape(sx)} and {FormatShape(sy)}.");
        var rest = sx.Where((_, i) => i != 0 && i != ax).Concat(sy.Where((_, i) => i != 0 && i != ay)).ToArray();
        return rest.Length == 0 ? [sx[0], 1] : [sx[0], .. rest];
    }
}
