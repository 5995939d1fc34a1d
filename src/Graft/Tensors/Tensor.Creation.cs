using Graft.Tensors.Backends;

namespace Graft.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> in the given shape (like <c>np.array(data).reshape(shape)</c>).</summary>
    /// <exception cref="ArgumentException">The shape's size differs from the data's length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length == 0) shape = [data.Length];
        var s = new Shape(shape);
        if (s.Size != data.Length)
            throw new ArgumentException($"Tensor.FromArray: expected {s.Size} values for shape {s}, got {data.Length}.");
        return new Tensor(s, CpuStorage.Wrap((float[])data.Clone()));
    }

    /// <summary>Wraps <paramref name="data"/> without copying; the caller must not change it afterwards.</summary>
    internal static Tensor Wrap(float[] data, Shape shape) => new(shape, CpuStorage.Wrap(data));

    /// <summary>A zero-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => Wrap([value], Shape.Wrap([]));

    /// <summary>All zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Empty(new Shape(shape), zero: true);

    /// <summary>All ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>Every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(new Shape(shape), zero: false);
        t.Backend.Fill(t, value);
        return t;
    }

    /// <summary>Zeros shaped like <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other) => Empty(other.Shape, zero: true);

    /// <summary>0, 1, …, n-1 (like <c>np.arange(n)</c>).</summary>
    public static Tensor Arange(int n)
    {
        var t = Empty(new Shape(n), zero: false);
        var d = t.Data;
        for (int i = 0; i < n; i++) d[i] = i;
        return t;
    }

    /// <summary>Samples of N(<paramref name="mean"/>, <paramref name="stddev"/>²).</summary>
    /// <exception cref="ArgumentOutOfRangeException">stddev is negative or not finite.</exception>
    public static Tensor RandomNormal(int[] shape, float mean = 0f, float stddev = 1f, Generator? generator = null)
    {
        CheckStddev(stddev, nameof(RandomNormal));
        var g = generator ?? GraftContext.Current.Generator;
        var t = Empty(new Shape(shape), zero: false);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = mean + stddev * g.NextNormal();
        return t;
    }

    /// <summary>Samples of U[<paramref name="minval"/>, <paramref name="maxval"/>).</summary>
    /// <exception cref="ArgumentException">maxval is below minval or a bound is not finite.</exception>
    public static Tensor RandomUniform(int[] shape, float minval = 0f, float maxval = 1f, Generator? generator = null)
    {
        if (!float.IsFinite(minval) || !float.IsFinite(maxval) || maxval < minval)
            throw new ArgumentException($"RandomUniform: expected finite bounds with minval <= maxval, got [{minval}, {maxval}).");
        var g = generator ?? GraftContext.Current.Generator;
        var t = Empty(new Shape(shape), zero: false);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = minval + (maxval - minval) * g.NextFloat();
        return t;
    }

    /// <summary>
    /// Samples of N(mean, stddev²) with values more than two standard deviations from the mean
    /// redrawn, as <c>keras.random.truncated_normal</c> does.
    /// </summary>
    public static Tensor TruncatedNormal(int[] shape, float mean = 0f, float stddev = 1f, Generator? generator = null)
    {
        CheckStddev(stddev, nameof(TruncatedNormal));
        var g = generator ?? GraftContext.Current.Generator;
        var t = Empty(new Shape(shape), zero: false);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            float z;
            do z = g.NextNormal(); while (MathF.Abs(z) > 2f);
            d[i] = mean + stddev * z;
        }
        return t;
    }

    private static void CheckStddev(float stddev, string op)
    {
        if (!(stddev >= 0f) || !float.IsFinite(stddev))
            throw new ArgumentOutOfRangeException(nameof(stddev), $"{op}: expected a finite stddev >= 0, got {stddev}.");
    }
}
