using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Data;

/// <summary>
/// NumPy's <c>.npy</c> format (versions 1–3): float32, float64 and integer arrays in, float32 out.
/// Loading converts to float32; Fortran-ordered arrays are reordered to row-major.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array file.</summary>
    /// <exception cref="ModelFormatException">The header or data are not what a .npy file holds; the message names the file.</exception>
    public static Tensor Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses .npy bytes; <paramref name="source"/> names them in errors.</summary>
    public static Tensor Parse(ReadOnlySpan<byte> bytes, string source = "<bytes>")
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new ModelFormatException(source, "header", $"expected the .npy magic \\x93NUMPY, got {Convert.ToHexString(bytes[..Math.Min(6, bytes.Length)])}.");
        int major = bytes[6];
        int headerLen, offset;
        if (major == 1) { headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); offset = 10; }
        else if (major is 2 or 3 && bytes.Length >= 12) { headerLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]); offset = 12; }
        else throw new ModelFormatException(source, "header", $"expected .npy version 1, 2 or 3, got {major}.");
        if (headerLen < 0 || offset + headerLen > bytes.Length)
            throw new ModelFormatException(source, "header", $"expected a header of {headerLen} bytes, got a {bytes.Length}-byte file.");
        string header = Encoding.UTF8.GetString(bytes.Slice(offset, headerLen));
        var descr = Descr().Match(header);
        var fortran = Fortran().Match(header);
        var shapeMatch = ShapeRx().Match(header);
        if (!descr.Success || !shapeMatch.Success)
            throw new ModelFormatException(source, "header", $"expected 'descr' and 'shape' in the header, got {header.Trim()}.");
        int[] shape;
        try
        {
            shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException) { throw new ModelFormatException(source, "header", $"expected integer dimensions, got ({shapeMatch.Groups[1].Value})."); }
        catch (OverflowException) { throw new ModelFormatException(source, "header", $"expected dimensions that fit in 32 bits, got ({shapeMatch.Groups[1].Value})."); }
        if (shape.Any(d => d < 0)) throw new ModelFormatException(source, "header", $"expected non-negative dimensions, got ({shapeMatch.Groups[1].Value}).");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        string dt = descr.Groups[1].Value;
        if (dt.Length < 3 || dt[0] == '>') throw new ModelFormatException(source, "header", $"expected a little-endian numeric dtype, got '{dt}'.");
        int size = int.Parse(dt[2..], CultureInfo.InvariantCulture);
        var data = bytes[(offset + headerLen)..];
        if (data.Length < count * size)
            throw new ModelFormatException(source, "data", $"expected {count * size} data bytes for shape {Shape.Format(shape)} of '{dt}', got {data.Length}.");
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            var b = data.Slice((int)(i * size), size);
            values[i] = (dt[1], size) switch
            {
                ('f', 4) => BinaryPrimitives.ReadSingleLittleEndian(b),
                ('f', 8) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                ('f', 2) => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                ('i', 1) => (sbyte)b[0],
                ('u', 1) or ('b', 1) => b[0],
                ('i', 2) => BinaryPrimitives.ReadInt16LittleEndian(b),
                ('u', 2) => BinaryPrimitives.ReadUInt16LittleEndian(b),
                ('i', 4) => BinaryPrimitives.ReadInt32LittleEndian(b),
                ('u', 4) => BinaryPrimitives.ReadUInt32LittleEndian(b),
                ('i', 8) => BinaryPrimitives.ReadInt64LittleEndian(b),
                ('u', 8) => BinaryPrimitives.ReadUInt64LittleEndian(b),
                _ => throw new ModelFormatException(source, "header", $"expected a float, int, uint or bool dtype, got '{dt}'."),
            };
        }
        var t = Tensor.Wrap(values, new Shape(shape));
        if (fortran.Success && fortran.Groups[1].Value == "True" && shape.Length > 1)
        {
            // Column-major data: read as the reversed shape, then reverse the axes back.
            var reversed = Tensor.Wrap(values, new Shape(shape.Reverse().ToArray()));
            t = Autograd.Ops.Transpose(reversed);
        }
        return t;
    }

    /// <summary>Writes a float32 array file (version 1.0, C order), atomically.</summary>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        AtomicFile.Write(path, stream => Write(stream, tensor));
    }

    /// <summary>Writes <paramref name="tensor"/> as .npy bytes (float32, version 1.0, C order) to <paramref name="stream"/>.</summary>
    internal static void Write(Stream stream, Tensor tensor)
    {
        string dims = tensor.Rank == 1 ? $"{tensor.Shape[0]}," : string.Join(", ", tensor.Shape.Dims);
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var data = tensor.ToArray();
        var buffer = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), data[i]);
        stream.Write(buffer);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex Descr();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex Fortran();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRx();
}
