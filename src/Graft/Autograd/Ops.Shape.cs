using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The same elements in a new shape; one dimension may be −1 (inferred). Shares memory with
    /// <paramref name="x"/> (row-major order is unchanged).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes disagree or more than one dimension is −1.</exception>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = -1; long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: expected at most one -1 dimension, got {Shape.Format(shape)}.");
                infer = i;
            }
            else if (dims[i] < 0) throw new ArgumentException($"Reshape: expected dimensions >= 0 or -1, got {Shape.Format(shape)}.");
            else known *= dims[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || x.Size % known != 0)
                throw new ArgumentException($"Reshape: expected a shape that divides {x.Size} elements, got {Shape.Format(shape)} for input {x.Shape}.");
            dims[infer] = (int)(x.Size / known);
        }
        else if (known != x.Size)
            throw new ArgumentException($"Reshape: expected a shape of {x.Size} elements (input {x.Shape}), got {Shape.Format(shape)} ({known} elements).");
        var y = new Tensor(Shape.Wrap(dims), x.Storage);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "Reshape", g => x.AccumulateGrad(new Tensor(x.Shape, g.Storage)), x);
    }

    /// <summary>Reorders axes: output axis i is input axis <paramref name="perm"/>[i] (like <c>np.transpose</c>).</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank || perm.Order().Where((p, i) => p != i).Any())
            throw new ArgumentException($"Permute: expected a permutation of 0..{x.Rank - 1}, got {Shape.Format(perm)} for shape {x.Shape}.");
        var y = Tensor.Empty(Shape.Wrap(perm.Select(p => x.Shape.Dims[p]).ToArray()), zero: false, x.Device);
        x.Backend.Permute(x, perm, y);
        if (!Tensor.NeedsGrad(x)) return y;
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Tensor.Record(y, "Permute", g => x.AccumulateGrad(Permute(g, inverse)), x);
    }

    /// <summary>Reverses the axes (the matrix transpose for rank 2).</summary>
    public static Tensor Transpose(Tensor x) => Permute(x, Enumerable.Range(0, x.Rank).Reverse().ToArray());

    /// <summary>
    /// The box x[starts[i] : starts[i] + sizes[i]·steps[i] : steps[i]] along every axis.
    /// </summary>
    internal static Tensor Slice(Tensor x, int[] starts, int[] sizes, int[] steps)
    {
        // Own copies: the output's shape wraps its array and the gradient rule reads starts and steps
        // after the call, so a caller reusing its arrays must not move either.
        starts = (int[])starts.Clone(); steps = (int[])steps.Clone();
        var y = Tensor.Empty(Shape.Wrap((int[])sizes.Clone()), zero: false, x.Device);
        x.Backend.SliceCopy(x, starts, steps, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "Slice", g =>
        {
            var gx = Tensor.Empty(x.Shape, zero: true, x.Device);
            x.Backend.SliceScatterAdd(g, starts, steps, gx);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Rows (or slices along <paramref name="axis"/>) picked by index, in the given order; indices may repeat.</summary>
    /// <exception cref="IndexOutOfRangeException">An index is outside the axis.</exception>
    public static Tensor Gather(Tensor x, int[] indices, int axis = 0)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "Gather");
        int n = x.Shape.Dims[a];
        var idx = new int[indices.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            int v = indices[i] < 0 ? indices[i] + n : indices[i];
            if (v < 0 || v >= n)
                throw new IndexOutOfRangeException($"Gather: expected indices in [{-n}, {n - 1}] for axis {axis} of shape {x.Shape}, got {indices[i]} at position {i}.");
            idx[i] = v;
        }
        var dims = x.Shape.ToArray(); dims[a] = idx.Length;
        var y = Tensor.Empty(Shape.Wrap(dims), zero: false, x.Device);
        x.Backend.Gather(x, a, idx, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "Gather", g =>
        {
            var gx = Tensor.Empty(x.Shape, zero: true, x.Device);
            x.Backend.GatherBackward(g, a, idx, gx);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Joins tensors along an existing axis; the other dimensions must agree.</summary>
    public static Tensor Concatenate(IEnumerable<Tensor> tensors, int axis = 0)
    {
        var xs = tensors.ToArray();
        if (xs.Length == 0) throw new ArgumentException("Concatenate: expected at least one tensor, got none.");
        var first = xs[0];
        int a = Shape.NormalizeAxis(axis, first.Rank, "Concatenate");
        var dims = first.Shape.ToArray();
        int total = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            var s = xs[i].Shape;
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < s.Rank; d++) ok = d == a || s.Dims[d] == dims[d];
            if (!ok) throw new ArgumentException($"Concatenate: expected shapes equal except on axis {axis}, got {first.Shape} and {s} (tensor {i}).");
            total += s.Dims[a];
        }
        dims[a] = total;
        var y = Tensor.Empty(Shape.Wrap(dims), zero: false, Tensor.SameDevice("Concatenate", xs));
        first.Backend.Concat(xs, a, y);
        if (!Tensor.NeedsGrad(xs)) return y;
        return Tensor.Record(y, "Concatenate", g =>
        {
            int offset = 0;
            foreach (var x in xs)
            {
                int len = x.Shape.Dims[a];
                if (x.RequiresGrad)
                {
                    var starts = new int[x.Rank]; starts[a] = offset;
                    x.AccumulateGrad(Slice(g, starts, x.Shape.ToArray(), Enumerable.Repeat(1, x.Rank).ToArray()));
                }
                offset += len;
            }
        }, xs);
    }

    /// <summary>Joins equally shaped tensors along a new axis.</summary>
    public static Tensor Stack(IEnumerable<Tensor> tensors, int axis = 0)
    {
        var xs = tensors.ToArray();
        if (xs.Length == 0) throw new ArgumentException("Stack: expected at least one tensor, got none.");
        for (int i = 1; i < xs.Length; i++)
            if (xs[i].Shape != xs[0].Shape) throw new ArgumentException($"Stack: expected equal shapes, got {xs[0].Shape} and {xs[i].Shape} (tensor {i}).");
        int a = axis < 0 ? axis + xs[0].Rank + 1 : axis;
        if (a < 0 || a > xs[0].Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Stack: expected an axis in [{-xs[0].Rank - 1}, {xs[0].Rank}], got {axis}.");
        return Concatenate(xs.Select(x => ExpandDims(x, a)), a);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/>.</summary>
    public static Tensor ExpandDims(Tensor x, int axis)
    {
        int a = axis < 0 ? axis + x.Rank + 1 : axis;
        if (a < 0 || a > x.Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"ExpandDims: expected an axis in [{-x.Rank - 1}, {x.Rank}], got {axis}.");
        var dims = x.Shape.Dims.ToList(); dims.Insert(a, 1);
        return Reshape(x, dims.ToArray());
    }

    /// <summary>Removes the size-1 dimension at <paramref name="axis"/>.</summary>
    public static Tensor Squeeze(Tensor x, int axis)
    {
        int a = Shape.NormalizeAxis(axis, x.Rank, "Squeeze");
        if (x.Shape.Dims[a] != 1) throw new ArgumentException($"Squeeze: expected dimension {axis} to be 1, got shape {x.Shape}.");
        var dims = x.Shape.Dims.ToList(); dims.RemoveAt(a);
        return Reshape(x, dims.ToArray());
    }

    /// <summary>Collapses all but the first dimension (Keras's Flatten).</summary>
    public static Tensor Flatten(Tensor x)
    {
        if (x.Rank == 0) throw new ArgumentException($"Flatten: expected a tensor with a batch axis, got a scalar.");
        int rest = 1;
        for (int i = 1; i < x.Rank; i++) rest *= x.Shape.Dims[i];
        return Reshape(x, x.Shape.Dims[0], rest);
    }

    /// <summary>Zero padding: <paramref name="pads"/>[i] = (before, after) for axis i.</summary>
    public static Tensor Pad(Tensor x, (int Before, int After)[] pads)
    {
        if (pads.Length != x.Rank) throw new ArgumentException($"Pad: expected {x.Rank} (before, after) pairs for shape {x.Shape}, got {pads.Length}.");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (pads[i].Before < 0 || pads[i].After < 0) throw new ArgumentException($"Pad: expected non-negative padding, got ({pads[i].Before}, {pads[i].After}) on axis {i}.");
            dims[i] = x.Shape.Dims[i] + pads[i].Before + pads[i].After;
        }
        var y = Tensor.Empty(Shape.Wrap(dims), zero: true, x.Device);
        var starts = pads.Select(p => p.Before).ToArray();
        var ones = Enumerable.Repeat(1, x.Rank).ToArray();
        x.Backend.SliceScatterAdd(x, starts, ones, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "Pad", g => x.AccumulateGrad(Slice(g, starts, x.Shape.ToArray(), ones)), x);
    }
}
