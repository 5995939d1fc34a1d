using System.Runtime.InteropServices;
using Graft.Saving;
using Graft.Tensors;
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
    public OnnxConstant Take(int[] dims, IReadOnlyList<int> indices)
    {
        if (Floats is not null)
        {
            var f = new float[indices.Count];
            for (int i = 0; i < f.Length; i++) f[i] = Floats[indices[i]];
            return new(dims, f);
        }
        var l = new long[indices.Count];
        for (int i = 0; i < l.Length; i++) l[i] = Longs![indices[i]];
        return new(dims, l);
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of the first axis (a group of a grouped kernel).</summary>
    public OnnxConstant SliceFirst(int start, int count)
    {
        int row = Size / Dims[0];
        return Take([count, .. Dims[1..]], Enumerable.Range(start * row, count * row).ToArray());
    }

    /// <summary>The values as a Graft tensor of <paramref name="shape"/> (the same count).</summary>
    public Tensor ToTensor(int[] shape) => Tensor.FromArray(AsFloats(), shape);

    /// <summary>The permuted tensor: output axis i is input axis <paramref name="perm"/>[i] (NumPy's transpose).</summary>
    public OnnxConstant Transpose(int[] perm)
    {
        // The weight layouts ONNX → Keras (a conv kernel, a depthwise kernel, Gemm's transB) are matrix
        // transposes once grouped: tiled, they read and write memory in order. Gathering element by element
        // read across 9 kB strides and took a second for ResNet18 (measured).
        if (Floats is not null && Rank == 2 && perm is [1, 0])
            return new([Dims[1], Dims[0]], Transpose2D(Floats, Dims[0], Dims[1]));
        if (Floats is not null && Rank == 4 && perm is [2, 3, 0, 1])
            return new([Dims[2], Dims[3], Dims[0], Dims[1]], Transpose2D(Floats, Dims[0] * Dims[1], Dims[2] * Dims[3]));
        if (Floats is not null && Rank == 4 && perm is [2, 3, 1, 0])
        {
            // (M, C, K) → (M, K, C) one filter at a time, then (M, K·C) → (K·C, M).
            int m = Dims[0], c = Dims[1], k = Dims[2] * Dims[3], block = c * k;
            var inner = new float[Floats.Length];
            for (int f = 0; f < m; f++) Transpose2D(Floats.AsSpan(f * block, block), c, k, inner.AsSpan(f * block, block));
            return new([Dims[2], Dims[3], c, m], Transpose2D(inner, m, block));
        }
        int rank = Rank, n = Size;
        var outDims = perm.Select(p => Dims[p]).ToArray();
        var inStrides = Strides(Dims);
        var step = perm.Select(p => inStrides[p]).ToArray();
        var counter = new int[rank];
        var index = new int[n];
        // Walk the output in order; the source offset moves by the permuted input stride (an odometer).
        for (int o = 0, offset = 0; o < n; o++)
        {
            index[o] = offset;
            for (int a = rank - 1; a >= 0; a--)
            {
                offset += step[a];
                if (++counter[a] < outDims[a]) break;
                offset -= step[a] * outDims[a];
                counter[a] = 0;
            }
        }
        return Take(outDims, index);
    }

    private static float[] Transpose2D(float[] source, int rows, int cols)
    {
        var result = new float[source.Length];
        Transpose2D(source, rows, cols, result);
        return result;
    }

    /// <summary>(rows, cols) → (cols, rows), in 32 × 32 tiles.</summary>
    private static void Transpose2D(ReadOnlySpan<float> source, int rows, int cols, Span<float> result)
    {
        const int Tile = 32;
        for (int i0 = 0; i0 < rows; i0 += Tile)
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int i1 = Math.Min(i0 + Tile, rows), j1 = Math.Min(j0 + Tile, cols);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++) result[j * rows + i] = source[i * cols + j];
            }
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
        var raw = Bytes(t.RawData);
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

    /// <summary>The bytes of a protobuf bytes field, without copying them when an array holds them.</summary>
    private static ReadOnlySpan<byte> Bytes(Google.Protobuf.ByteString bytes) =>
        MemoryMarshal.TryGetArray(bytes.Memory, out var segment) ? segment.AsSpan() : bytes.ToByteArray();

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
