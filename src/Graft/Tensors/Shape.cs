using System.Collections;

namespace Graft.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major), like NumPy's <c>shape</c> tuple.
/// Prints as Python does: <c>(32, 784)</c>, <c>(5,)</c>, <c>()</c>.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private static readonly int[] Empty = [];
    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions; each must be zero or more.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public Shape(params int[] dims)
    {
        foreach (int d in dims)
            if (d < 0) throw new ArgumentException($"Shape: expected dimensions >= 0, got {Format(dims)}.", nameof(dims));
        _dims = (int[])dims.Clone();
    }

    private Shape(int[] dims, bool _) => _dims = dims;

    /// <summary>Wraps an array the caller will never change again (no copy).</summary>
    internal static Shape Wrap(int[] dims) => new(dims, true);

    internal int[] Dims => _dims ?? Empty;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long s = 1;
            foreach (int d in Dims) s *= d;
            if (s > Array.MaxLength) throw new ArgumentException($"Shape: expected at most {Array.MaxLength} elements, got {s} for {this}.");
            return (int)s;
        }
    }

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end, as in Python.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, Rank, "Shape")];

    /// <summary>Dimension at a C# index (<c>shape[^1]</c> is the last).</summary>
    public int this[Index axis] => Dims[axis.GetOffset(Rank)];

    int IReadOnlyCollection<int>.Count => Rank;

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary>Row-major strides in elements.</summary>
    internal int[] Strides()
    {
        var d = Dims; var s = new int[d.Length];
        int acc = 1;
        for (int i = d.Length - 1; i >= 0; i--) { s[i] = acc; acc *= d[i]; }
        return s;
    }

    internal static int NormalizeAxis(int axis, int rank, string subject)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1) || (rank == 0))
            throw new ArgumentOutOfRangeException(nameof(axis), $"{subject}: expected an axis in [{-rank}, {rank - 1}], got {axis} for a tensor of rank {rank}.");
        return a;
    }

    /// <summary>NumPy broadcasting: align trailing dimensions; each pair must be equal or one of them 1.</summary>
    internal static Shape Broadcast(Shape a, Shape b, string op)
    {
        if (a.Equals(b)) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a.Dims[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b.Dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: expected shapes that broadcast (each trailing dimension equal or 1), got {a} and {b}.");
            r[i] = da == 1 ? db : da;
        }
        return Wrap(r);
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode() { var h = new HashCode(); foreach (int d in Dims) h.Add(d); return h.ToHashCode(); }
    /// <summary>Shapes are equal when their dimensions are.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    /// <summary>Shapes differ when a dimension does.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);
    /// <summary>Lets an <c>int[]</c> stand where a shape is expected.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Python tuple notation: <c>(32, 784)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims) =>
        dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims.ToArray()) + ")";
}
