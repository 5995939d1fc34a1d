using System.Runtime.InteropServices;
using Graft.Saving;
using Onnx;

namespace Graft.Onnx.Importing;

/// <summary>
/// A tensor known at import time: an initializer, a <c>Constant</c> node, or the folded result of shape
/// arithmetic. Floating types are held as floats, integer and boolean types as longs.
/// </summary>
internal sealed class OnnxConstant
{
    /// <summary>Stands for the batch dimension in folded shapes (<c>Shape</c> of an input whose first axis is the batch).</summary>
    public const long Batch = long.MinValue;

    public OnnxConstant(int[] dims, float[] floats) { Dims = dims; Floats = floats; }
    public OnnxConstant(int[] dims, long[] longs) { Dims = dims; Longs = longs; }

    public int[] Dims { get; }
    public float[]? Floats { get; }
    public long[]? Longs { get; }
    public bool IsInteger => Longs is not null;
    public int Rank => Dims.Length;
    public int Size => Floats?.Length ?? Longs!.Length;

    public float[] AsFloats() => Floats ?? Longs!.Select(v => (float)v).ToArray();

    public long[] AsLongs() => Longs ?? Floats!.Select(v => (long)v).ToArray();

    public int[] AsInts() => AsLongs().Select(v => checked((int)v)).ToArray();

    public float ScalarFloat() => AsFloats()[0];

    public static OnnxConstant Vector(long[] values) => new([values.Length], values);

    public OnnxConstant WithDims(int[] dims) => Floats is not null ? new(dims, Floats) : new(dims, Longs!);

    /// <summary>The elements at <paramref name="indices"/> of a flat array; the caller sets the shape.</summary>
    public OnnxConstant Take(int[] dims, IEnumerable<int> indices) =>
        Floats is not null ? new(dims, indices.Select(i => Floats[i]).ToArray()) : new(dims, indices.Select(i => Longs![i]).ToArray());

    /// <summary>The permuted tensor: output axis i is input axis <paramref name="perm"/>[i] (NumPy's transpose).</summary>
    public OnnxConstant Transpose(int[] perm)
    {
        int rank = Rank;
        var outDims = perm.Select(p => Dims[p]).ToArray();
        var inStrides = Strides(Dims);
        var index = new int[Size];
        var counter = new int[rank];
        for (int o = 0; o < index.Length; o++)
        {
            int src = 0;
            for (int a = 0; a < rank; a++) src += counter[a] * inStrides[perm[a]];
            index[o] = src;
            for (int a = rank - 1; a >= 0; a--)
            {
                if (++counter[a] < outDims[a]) break;
                counter[a] = 0;
            }
        }
        return Take(outDims, index);
    }

    public static int[] Strides(int[] dims)
    {
        var s = new int[dims.Length];
        int acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /// <summary>Decodes an ONNX <c>TensorProto</c> (raw or typed data).</summary>
    /// <exception cref="ModelFormatException">The data does not match the declared shape.</exception>
    /// <exception cref="NotSupportedException">An element type Graft cannot hold, or data in an external file.</exception>
    public static OnnxConstant FromProto(TensorProto t, string path, string objectPath)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new NotSupportedException($"{objectPath} in {path}: expected tensor data inside the file, got data stored in an external file. Save the model with its weights inside (onnx.save(model, path, save_as_external_data=False)).");
        long size = 1;
        foreach (long d in t.Dims)
        {
            if (d < 0) throw new ModelFormatException(path, objectPath, $"expected non-negative dimensions, got dims [{string.Join(", ", t.Dims)}].");
            size *= d;
            if (size > int.MaxValue) throw new ModelFormatException(path, objectPath, $"expected at most {int.MaxValue} elements, got dims [{string.Join(", ", t.Dims)}].");
        }
        var dims = t.Dims.Select(d => (int)d).ToArray();
        int n = (int)size;
        var raw = t.RawData.Span;
        bool hasRaw = !t.RawData.IsEmpty;
        switch (t.DataType)
        {
            case 1: // FLOAT
                return new(dims, hasRaw ? Raw<float>(raw, n, 4, path, objectPath) : Typed(t.FloatData, n, path, objectPath));
            case 11: // DOUBLE
                return new(dims, (hasRaw ? Raw<double>(raw, n, 8, path, objectPath) : Typed(t.DoubleData, n, path, objectPath)).Select(v => (float)v).ToArray());
            case 10: // FLOAT16, raw or as bit patterns in int32_data
                return new(dims, hasRaw ? Raw<Half>(raw, n, 2, path, objectPath).Select(h => (float)h).ToArray()
                    : Typed(t.Int32Data, n, path, objectPath).Select(b => (float)BitConverter.UInt16BitsToHalf((ushort)b)).ToArray());
            case 7: // INT64
                return new(dims, hasRaw ? Raw<long>(raw, n, 8, path, objectPath) : Typed(t.Int64Data, n, path, objectPath));
            case 6: // INT32
                return new(dims, (hasRaw ? Raw<int>(raw, n, 4, path, objectPath) : Typed(t.Int32Data, n, path, objectPath)).Select(v => (long)v).ToArray());
            case 2 or 3 or 9: // UINT8, INT8, BOOL
                return new(dims, hasRaw ? Raw<byte>(raw, n, 1, path, objectPath).Select(v => t.DataType == 3 ? (long)(sbyte)v : v).ToArray()
                    : Typed(t.Int32Data, n, path, objectPath).Select(v => (long)v).ToArray());
            case 4 or 5: // UINT16, INT16
                return new(dims, hasRaw ? Raw<short>(raw, n, 2, path, objectPath).Select(v => t.DataType == 4 ? (long)(ushort)v : v).ToArray()
                    : Typed(t.Int32Data, n, path, objectPath).Select(v => (long)v).ToArray());
            default:
                throw new NotSupportedException($"{objectPath} in {path}: expected a numeric tensor (float, double, float16, integer or bool), got ONNX data type {t.DataType}.");
        }
    }

    private static T[] Raw<T>(ReadOnlySpan<byte> raw, int n, int width, string path, string objectPath) where T : struct
    {
        if (raw.Length != (long)n * width)
            throw new ModelFormatException(path, objectPath, $"expected {n} elements ({(long)n * width} bytes of raw_data), got {raw.Length} bytes.");
        // ONNX stores raw data little-endian, as every platform .NET runs on.
        return MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    private static T[] Typed<T>(IReadOnlyList<T> data, int n, string path, string objectPath)
    {
        if (data.Count != n) throw new ModelFormatException(path, objectPath, $"expected {n} elements, got {data.Count}.");
        return data.ToArray();
    }
}
