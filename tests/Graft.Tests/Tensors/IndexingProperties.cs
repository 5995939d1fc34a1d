using CsCheck;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

/// <summary>
/// C# indices and ranges on tensors (<c>x[^1]</c>, <c>x[1..^2, 0]</c>) and <see cref="Tensor.Slice"/>
/// against a reference built from each axis's chosen positions: .NET's own semantics on an array of
/// positions wherever .NET accepts the index or range, Python's clamping where a range runs past
/// the ends, and an error naming the axis for an index outside it.
/// </summary>
public class IndexingProperties
{
    /// <summary>A shape, and one or two specs (an <see cref="Index"/> or a <see cref="Range"/>) for its leading axes.</summary>
    private sealed record Case(int[] Shape, object[] Specs)
    {
        public override string ToString() => $"x{Property.Text(Shape)}[{string.Join(", ", Specs)}]";
    }

    private static Gen<Index> IndexFor(int n) =>
        from v in Gen.Int[0, n + 1]
        from fromEnd in Gen.Bool
        select new Index(v, fromEnd);

    private static Gen<object> SpecFor(int n) =>
        from isIndex in Gen.Bool
        from i in IndexFor(n)
        from start in IndexFor(n + 1)
        from end in IndexFor(n + 1)
        select isIndex ? (object)i : new Range(start, end);

    private static readonly Gen<Case> s_cases =
        from rank in Gen.Int[1, 3]
        from shape in Gen.Int[1, 5].Array[rank]
        from two in Gen.Bool
        from first in SpecFor(shape[0])
        from second in SpecFor(rank > 1 ? shape[1] : 1)
        select new Case(shape, two && rank > 1 ? [first, second] : [first]);

    private static Tensor Positions(int[] shape) =>
        Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(i => (float)i).ToArray(), shape);

    /// <summary>The positions a range picks on an axis of length n: .NET's where it accepts the range, else Python's clamped slice.</summary>
    private static int[] Picked(Range r, int n)
    {
        int[] all = Enumerable.Range(0, n).ToArray();
        try { return all[r]; }
        catch (ArgumentOutOfRangeException)
        {
            int s = Math.Clamp(r.Start.GetOffset(n), 0, n), e = Math.Clamp(r.End.GetOffset(n), 0, n);
            return all[s..Math.Max(s, e)];
        }
    }

    /// <summary>The expected shape and values of picking <paramref name="picked"/> on each axis of an arange of <paramref name="shape"/>.</summary>
    private static (int[] Shape, float[] Values) Expected(int[] shape, int[][] picked, bool[] dropped)
    {
        var strides = new int[shape.Length];
        for (int k = shape.Length - 1, s = 1; k >= 0; s *= shape[k], k--) strides[k] = s;
        IEnumerable<int> flat = [0];
        for (int k = 0; k < shape.Length; k++)
        {
            int axis = k;
            flat = flat.SelectMany(f => picked[axis].Select(p => f + p * strides[axis])).ToList();
        }
        int[] outShape = picked.Where((_, k) => !dropped[k]).Select(p => p.Length).ToArray();
        return (outShape, flat.Select(f => (float)f).ToArray());
    }

    private static Tensor Apply(Tensor x, object[] specs) => specs switch
    {
        [Index i] => x[i],
        [Range r] => x[r],
        [Range r0, Range r1] => x[r0, r1],
        [Range r0, Index i1] => x[r0, i1],
        [Index i0, Range r1] => x[i0, r1],
        [Index i0, Index i1] => x[i0, i1],
        _ => throw new ArgumentException("unexpected specs"),
    };

    [Fact]
    public void IndicesAndRangesPickWhatArraysPick()
    {
        Property.ForAll(s_cases, 200, c =>
        {
            var x = Positions(c.Shape);
            var picked = c.Shape.Select(n => Enumerable.Range(0, n).ToArray()).ToArray();
            var dropped = new bool[c.Shape.Length];
            for (int ax = 0; ax < c.Specs.Length; ax++)
            {
                int n = c.Shape[ax];
                if (c.Specs[ax] is Range r) { picked[ax] = Picked(r, n); continue; }
                var i = (Index)c.Specs[ax];
                int[] all = Enumerable.Range(0, n).ToArray();
                int k;
                try { k = all[i]; }
                catch (IndexOutOfRangeException)
                {
                    var ex = Assert.Throws<IndexOutOfRangeException>(() => Apply(x, c.Specs));
                    Assert.Contains($"expected an index in [0, {n - 1}] (or ^1..^{n}) on axis {ax} of shape {x.Shape}, got {i}", ex.Message);
                    return;
                }
                picked[ax] = [k];
                dropped[ax] = true;
            }
            var (shape, values) = Expected(c.Shape, picked, dropped);
            var y = Apply(x, c.Specs);
            Assert.Equal(Property.Text(shape), Property.Text(y.Shape.ToArray()));
            Assert.Equal(values, y.ToArray());
        });
    }

    private static readonly Gen<(int[] Shape, int Axis, int Start, int Stop, int Step)> s_slices =
        from rank in Gen.Int[1, 3]
        from shape in Gen.Int[1, 6].Array[rank]
        from axis in Gen.Int[-rank, rank - 1]
        from start in Gen.Int[-8, 8]
        from stop in Gen.Int[-8, 8]
        from step in Gen.Int[1, 3]
        select (shape, axis, start, stop, step);

    [Fact]
    public void SliceWithAStepPicksWhatPythonPicks()
    {
        Property.ForAll(s_slices, 200, c =>
        {
            var x = Positions(c.Shape);
            int axis = c.Axis < 0 ? c.Axis + c.Shape.Length : c.Axis, n = c.Shape[axis];
            // Python's range(n)[start:stop:step] for a positive step: negative bounds count from the
            // end, then both are clamped to [0, n].
            int s = Math.Clamp(c.Start < 0 ? c.Start + n : c.Start, 0, n), e = Math.Clamp(c.Stop < 0 ? c.Stop + n : c.Stop, 0, n);
            var picked = c.Shape.Select(d => Enumerable.Range(0, d).ToArray()).ToArray();
            picked[axis] = Enumerable.Range(0, n).Where(i => i >= s && i < e && (i - s) % c.Step == 0).ToArray();
            var (shape, values) = Expected(c.Shape, picked, new bool[c.Shape.Length]);
            var y = x.Slice(c.Axis, c.Start, c.Stop, c.Step);
            Assert.Equal(Property.Text(shape), Property.Text(y.Shape.ToArray()));
            Assert.Equal(values, y.ToArray());
        }, c => $"x{Property.Text(c.Shape)}.Slice(axis {c.Axis}, {c.Start}, {c.Stop}, step {c.Step})");
    }
}
