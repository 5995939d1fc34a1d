using CsCheck;
using Graft.Autograd;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

/// <summary>
/// Elementwise ops on random shapes that broadcast (NumPy's rule: align trailing axes, each pair
/// equal or one of them 1), against a plain loop over the output; shapes that do not broadcast throw
/// an error naming the op and both shapes.
/// </summary>
public class BroadcastingProperties
{
    /// <summary>Two operand shapes cut from one output shape: each keeps a trailing part, and any axis may shrink to 1.</summary>
    private sealed record Case(int[] A, int[] B, bool StridedA, int Seed)
    {
        public override string ToString() => $"{Property.Text(A)}{(StridedA ? " strided" : "")} and {Property.Text(B)}, seed {Seed}";
    }

    private static int[] Operand(int[] dims, int rank, bool[] ones) =>
        dims[(dims.Length - rank)..].Select((d, i) => ones[dims.Length - rank + i] ? 1 : d).ToArray();

    private static readonly Gen<Case> s_compatible =
        from rank in Gen.Int[1, 4]
        from dims in Gen.Int[1, 4].Array[rank]
        from ra in Gen.Int[0, rank]
        from rb in Gen.Int[0, rank]
        from onesA in Gen.Bool.Array[rank]
        from onesB in Gen.Bool.Array[rank]
        from strided in Gen.Bool
        from seed in Gen.Int[0, 1 << 20]
        select new Case(Operand(dims, ra, onesA), Operand(dims, rb, onesB), strided && ra > 0, seed);

    private static readonly (string Name, Func<Tensor, Tensor, Tensor> Op, Func<float, float, float> Reference)[] s_ops =
    [
        ("Add", Ops.Add, (x, y) => x + y),
        ("Subtract", Ops.Subtract, (x, y) => x - y),
        ("Multiply", Ops.Multiply, (x, y) => x * y),
        ("Divide", Ops.Divide, (x, y) => x / y),
        ("Maximum", Ops.Maximum, MathF.Max),
        ("Minimum", Ops.Minimum, MathF.Min),
        ("Greater", Ops.Greater, (x, y) => x > y ? 1f : 0f),
        ("LessEqual", Ops.LessEqual, (x, y) => x <= y ? 1f : 0f),
    ];

    private static int Size(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    private static Tensor Make(float[] data, int[] shape) => shape.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, shape);

    /// <summary>
    /// Values for a shape; the divisor side stays away from zero. A strided operand is every other
    /// element of a tensor twice as long on the last axis, so the kernels see a view, not a fresh buffer.
    /// </summary>
    private static (Tensor Tensor, float[] Values) Operand(int[] shape, bool strided, Generator g, bool divisor)
    {
        var values = Enumerable.Range(0, Size(shape)).Select(_ => divisor ? (g.NextFloat() * 1.5f + 0.5f) * (g.NextFloat() < 0.5f ? -1 : 1) : g.NextFloat() * 4 - 2).ToArray();
        if (!strided) return (Make(values, shape), values);
        int last = shape[^1];
        var wide = new float[values.Length * 2];
        for (int i = 0; i < values.Length; i++) wide[(i / last) * 2 * last + (i % last) * 2] = values[i];
        var t = Tensor.FromArray(wide, [.. shape[..^1], 2 * last]).Slice(-1, 0, 2 * last, 2);
        return (t, values);
    }

    /// <summary>The flat position in an operand of the output element at <paramref name="index"/> (axes of size 1 repeat).</summary>
    private static int Source(int[] index, int[] shape)
    {
        int flat = 0, lead = index.Length - shape.Length;
        for (int k = 0; k < shape.Length; k++) flat = flat * shape[k] + (shape[k] == 1 ? 0 : index[lead + k]);
        return flat;
    }

    private static int[] OutputShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        return Enumerable.Range(0, rank).Select(i =>
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)], db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            return Math.Max(da, db);
        }).ToArray();
    }

    private static IEnumerable<int[]> Indices(int[] shape)
    {
        var index = new int[shape.Length];
        for (int n = 0; n < Size(shape); n++)
        {
            yield return index;
            for (int k = shape.Length - 1; k >= 0 && ++index[k] == shape[k]; k--) index[k] = 0;
        }
    }

    [Fact]
    public void ElementwiseOpsMatchALoopOverTheBroadcastOutput()
    {
        Property.ForAll(s_compatible, 60, c =>
        {
            var g = new Generator(c.Seed);
            var (a, av) = Operand(c.A, c.StridedA, g, divisor: false);
            var (b, bv) = Operand(c.B, false, g, divisor: true);
            int[] shape = OutputShape(c.A, c.B);
            foreach (var (name, op, reference) in s_ops)
            {
                var y = op(a, b);
                Assert.Equal(Property.Text(shape), Property.Text(y.Shape.ToArray()));
                var expected = Indices(shape).Select(i => reference(av[Source(i, c.A)], bv[Source(i, c.B)])).ToArray();
                Assert.True(expected.SequenceEqual(y.ToArray()), $"{name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", y.ToArray())}].");
            }
        });
    }

    [Fact]
    public void GradientsSumOverTheBroadcastAxes()
    {
        // d/da sum(a * b) at each element of a is the sum of the b values it met: broadcasting's
        // adjoint sums the gradient back over the axes that were repeated.
        Property.ForAll(s_compatible, 60, c =>
        {
            var g = new Generator(c.Seed);
            var (a0, av) = Operand(c.A, false, g, divisor: false);
            var (b0, bv) = Operand(c.B, false, g, divisor: false);
            var (a, b) = (a0.Clone(), b0.Clone());
            a.RequiresGrad = true;
            b.RequiresGrad = true;
            Ops.Sum(Ops.Multiply(a, b)).Backward();
            var (ga, gb) = (new double[av.Length], new double[bv.Length]);
            foreach (var i in Indices(OutputShape(c.A, c.B)))
            {
                ga[Source(i, c.A)] += bv[Source(i, c.B)];
                gb[Source(i, c.B)] += av[Source(i, c.A)];
            }
            Assert.Equal(Property.Text(c.A), Property.Text(a.Grad!.Shape.ToArray()));
            Assert.Equal(Property.Text(c.B), Property.Text(b.Grad!.Shape.ToArray()));
            Assertions.Close(ga.Select(v => (float)v).ToArray(), a.Grad.ToArray(), 1e-5f, "gradient of a");
            Assertions.Close(gb.Select(v => (float)v).ToArray(), b.Grad.ToArray(), 1e-5f, "gradient of b");
        });
    }

    /// <summary>Two shapes that agree except on one aligned axis, where both sizes exceed 1 and differ.</summary>
    private static readonly Gen<(int[] A, int[] B)> s_incompatible =
        from rank in Gen.Int[1, 4]
        from dims in Gen.Int[1, 4].Array[rank]
        from axis in Gen.Int[0, rank - 1]
        from da in Gen.Int[2, 5]
        from shift in Gen.Int[1, 3]
        from dropLeading in Gen.Int[0, axis]
        select (dims.Select((d, i) => i == axis ? da : d).ToArray(), dims.Select((d, i) => i == axis ? da + shift : d).Skip(dropLeading).ToArray());

    [Fact]
    public void ShapesThatDoNotBroadcastAreNamedInTheError()
    {
        Property.ForAll(s_incompatible, 40, c =>
        {
            var a = Tensor.Ones(c.A);
            var b = Tensor.Ones(c.B);
            foreach (var (name, op, _) in s_ops)
            {
                var ex = Assert.Throws<ArgumentException>(() => op(a, b));
                Assert.Contains($"{name}: expected shapes that broadcast", ex.Message);
                Assert.Contains($"got {a.Shape} and {b.Shape}", ex.Message);
            }
        }, c => $"{Property.Text(c.A)} and {Property.Text(c.B)}");
    }
}
