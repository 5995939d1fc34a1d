using Graft.Tensors.Backends;

namespace Graft.Tensors;

// Every creation function places its tensor on a named device: an overload takes one, the others use
// DefaultDevice.Current (the one place the default comes from). Values made on the host (data,
// random samples) are drawn there and uploaded, so every device sees the same values for a seed.
public sealed partial class Tensor
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> in the given shape (like <c>np.array(data).reshape(shape)</c>), on the default device.</summary>
    /// <exception cref="ArgumentException">The shape's size differs from the data's length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArray(data, shape, DefaultDevice.Current);

    /// <summary>A tensor holding a copy of <paramref name="data"/> in the given shape, on <paramref name="device"/> (a host-to-device transfer).</summary>
    /// <exception cref="ArgumentException">The shape's size differs from the data's length.</exception>
    public static Tensor FromArray(float[] data, int[] shape, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0) shape = [data.Length];
        var s = new Shape(shape);
        if (s.Size != data.Length)
            throw new ArgumentException($"Tensor.FromArray: expected {s.Size} values for shape {s}, got {data.Length}.");
        return Wrap((float[])data.Clone(), s, device);
    }

    /// <summary>Wraps <paramref name="data"/> on the default device without copying on the CPU; the caller must not change it afterwards.</summary>
    internal static Tensor Wrap(float[] data, Shape shape) => Wrap(data, shape, DefaultDevice.Current);

    /// <summary>
    /// Values made on the host (file contents, one-hot labels, a random mask) placed on
    /// <paramref name="device"/>: the CPU adopts the array (the caller must not change it afterwards),
    /// another device receives a copy.
    /// </summary>
    internal static Tensor Wrap(float[] data, Shape shape, Device device)
    {
        System.Diagnostics.Debug.Assert(data.Length == shape.Size);
        if (device == Device.Cpu) return new(shape, CpuStorage.Wrap(data));
        var t = Empty(shape, zero: false, device);
        t.Backend.Upload(data, t);
        return t;
    }

    /// <summary>Writes a new tensor's values on the host.</summary>
    internal delegate void HostFill(Span<float> values);

    /// <summary>
    /// A tensor whose values are computed on the host by <paramref name="fill"/> (random samples, a
    /// mask, one-hot labels): on the CPU written in place (pooled in a <see cref="TensorScope"/>),
    /// elsewhere written to a host buffer and uploaded. <paramref name="fill"/> must write every element.
    /// </summary>
    internal static Tensor FromHost(Shape shape, Device device, HostFill fill)
    {
        var t = Empty(shape, zero: false, device);
        if (device == Device.Cpu) { fill(t.Data); return t; }
        var host = new float[shape.Size];
        fill(host);
        t.Backend.Upload(host, t);
        return t;
    }

    /// <summary>A zero-dimensional tensor holding <paramref name="value"/>, on the default device.</summary>
    public static Tensor Scalar(float value) => Scalar(value, DefaultDevice.Current);

    /// <summary>A zero-dimensional tensor holding <paramref name="value"/>, on <paramref name="device"/>.</summary>
    public static Tensor Scalar(float value, Device device) => Wrap([value], Shape.Wrap([]), device);

    /// <summary>All zeros, on the default device.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DefaultDevice.Current);

    /// <summary>All zeros, on <paramref name="device"/>.</summary>
    public static Tensor Zeros(int[] shape, Device device) => Empty(new Shape(shape), zero: true, device);

    /// <summary>All ones, on the default device.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>All ones, on <paramref name="device"/>.</summary>
    public static Tensor Ones(int[] shape, Device device) => Full(1f, shape, device);

    /// <summary>Every element equal to <paramref name="value"/>, on the default device.</summary>
    public static Tensor Full(float value, params int[] shape) => Full(value, shape, DefaultDevice.Current);

    /// <summary>Every element equal to <paramref name="value"/>, on <paramref name="device"/>.</summary>
    public static Tensor Full(float value, int[] shape, Device device)
    {
        var t = Empty(new Shape(shape), zero: false, device);
        t.Backend.Fill(t, value);
        return t;
    }

    /// <summary>Zeros shaped like <paramref name="other"/>, on its device.</summary>
    public static Tensor ZerosLike(Tensor other) => Empty(other.Shape, zero: true, other.Device);

    /// <summary>0, 1, …, n-1 (like <c>np.arange(n)</c>), on the default device unless <paramref name="device"/> is given.</summary>
    public static Tensor Arange(int n, Device? device = null)
    {
        return FromHost(new Shape(n), device ?? DefaultDevice.Current, d =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = i;
        });
    }

    /// <summary>Samples of N(<paramref name="mean"/>, <paramref name="stddev"/>²), on the default device unless <paramref name="device"/> is given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">stddev is negative or not finite.</exception>
    public static Tensor RandomNormal(int[] shape, float mean = 0f, float stddev = 1f, Generator? generator = null, Device? device = null)
    {
        CheckStddev(stddev, nameof(RandomNormal));
        var g = generator ?? GraftContext.Current.Generator;
        return FromHost(new Shape(shape), device ?? DefaultDevice.Current, d =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = mean + stddev * g.NextNormal();
        });
    }

    /// <summary>Samples of U[<paramref name="minval"/>, <paramref name="maxval"/>), on the default device unless <paramref name="device"/> is given.</summary>
    /// <exception cref="ArgumentException">maxval is below minval or a bound is not finite.</exception>
    public static Tensor RandomUniform(int[] shape, float minval = 0f, float maxval = 1f, Generator? generator = null, Device? device = null)
    {
        if (!float.IsFinite(minval) || !float.IsFinite(maxval) || maxval < minval)
            throw new ArgumentException($"RandomUniform: expected finite bounds with minval <= maxval, got [{minval}, {maxval}).");
        var g = generator ?? GraftContext.Current.Generator;
        return FromHost(new Shape(shape), device ?? DefaultDevice.Current, d =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = minval + (maxval - minval) * g.NextFloat();
        });
    }

    /// <summary>
    /// Samples of N(mean, stddev²) with values more than two standard deviations from the mean
    /// redrawn, as <c>keras.random.truncated_normal</c> does; on the default device unless
    /// <paramref name="device"/> is given.
    /// </summary>
    public static Tensor TruncatedNormal(int[] shape, float mean = 0f, float stddev = 1f, Generator? generator = null, Device? device = null)
    {
        CheckStddev(stddev, nameof(TruncatedNormal));
        var g = generator ?? GraftContext.Current.Generator;
        return FromHost(new Shape(shape), device ?? DefaultDevice.Current, d =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                float z;
                do z = g.NextNormal(); while (MathF.Abs(z) > 2f);
                d[i] = mean + stddev * z;
            }
        });
    }

    private static void CheckStddev(float stddev, string op)
    {
        if (!(stddev >= 0f) || !float.IsFinite(stddev))
            throw new ArgumentOutOfRangeException(nameof(stddev), $"{op}: expected a finite stddev >= 0, got {stddev}.");
    }
}
