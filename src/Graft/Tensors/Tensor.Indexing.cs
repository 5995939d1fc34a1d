using Graft.Autograd;

namespace Graft.Tensors;

public sealed partial class Tensor
{
    /// <summary>The sub-tensor at position <paramref name="i"/> of the first axis (<c>x[^1]</c> is the last); drops that axis.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Index i] => Select([i]);

    /// <summary>A slice of the first axis (<c>x[..5000]</c>, <c>x[5000..]</c>); keeps the axis.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range r] => Select([r]);

    /// <summary>Slices of the first two axes (<c>x[.., 1..3]</c>).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range r0, Range r1] => Select([r0, r1]);

    /// <summary>A slice of the first axis, one position of the second (<c>x[.., 0]</c>).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range r0, Index i1] => Select([r0, i1]);

    /// <summary>One position of the first axis, a slice of the second.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Index i0, Range r1] => Select([i0, r1]);

    /// <summary>One position of each of the first two axes.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Index i0, Index i1] => Select([i0, i1]);

    /// <summary>Slice with an explicit step along one axis (like <c>x[start:stop:step]</c> in NumPy).</summary>
    public Tensor Slice(int axis, int start, int stop, int step = 1)
    {
        int a = Shape.NormalizeAxis(axis, Rank, "Tensor.Slice");
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), $"Tensor.Slice: expected a step >= 1, got {step}.");
        int n = Shape.Dims[a];
        int s = Math.Clamp(start < 0 ? start + n : start, 0, n), e = Math.Clamp(stop < 0 ? stop + n : stop, 0, n);
        var starts = new int[Rank]; var sizes = Shape.ToArray(); var steps = Enumerable.Repeat(1, Rank).ToArray();
        starts[a] = s; sizes[a] = e > s ? (e - s + step - 1) / step : 0; steps[a] = step;
        return Ops.Slice(this, starts, sizes, steps);
    }

    private Tensor Select(object[] specs)
    {
        if (specs.Length > Rank)
            throw new IndexOutOfRangeException($"Tensor: expected at most {Rank} indices for shape {Shape}, got {specs.Length}.");
        var starts = new int[Rank]; var sizes = Shape.ToArray(); var steps = Enumerable.Repeat(1, Rank).ToArray();
        var drop = new List<int>();
        for (int ax = 0; ax < specs.Length; ax++)
        {
            int n = Shape.Dims[ax];
            if (specs[ax] is Index i)
            {
                int k = i.IsFromEnd ? n - i.Value : i.Value;
                if (k < 0 || k >= n)
                    throw new IndexOutOfRangeException($"Tensor: expected an index in [0, {n - 1}] (or ^1..^{n}) on axis {ax} of shape {Shape}, got {i}.");
                starts[ax] = k; sizes[ax] = 1; drop.Add(ax);
            }
            else
            {
                var r = (Range)specs[ax];
                int s = r.Start.IsFromEnd ? n - r.Start.Value : r.Start.Value;
                int e = r.End.IsFromEnd ? n - r.End.Value : r.End.Value;
                s = Math.Clamp(s, 0, n); e = Math.Clamp(e, 0, n);   // Python slicing clamps, never throws
                starts[ax] = s; sizes[ax] = Math.Max(0, e - s);
            }
        }
        bool whole = true;
        for (int ax = 0; ax < Rank; ax++) whole &= starts[ax] == 0 && sizes[ax] == Shape.Dims[ax];
        var box = whole ? this : Ops.Slice(this, starts, sizes, steps);
        if (drop.Count == 0) return box;
        return Ops.Reshape(box, sizes.Where((_, ax) => !drop.Contains(ax)).ToArray());
    }
}
