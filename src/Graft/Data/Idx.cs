using System.Buffers.Binary;
using System.IO.Compression;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Data;

/// <summary>
/// Reads IDX files (the MNIST family's format: big-endian header, magic 0x00000800 | type &lt;&lt; 8 | rank,
/// then the dimensions and the data), gzipped or not.
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file of unsigned bytes into a float tensor of its dimensions (values 0..255).</summary>
    /// <exception cref="ModelFormatException">The header or length is not what an IDX file has; the message names the file.</exception>
    public static Tensor Load(string path)
    {
        using var file = File.OpenRead(path);
        Stream s = file;
        var sig = new byte[2];
        int got = file.Read(sig, 0, 2);
        file.Position = 0;
        if (got == 2 && sig[0] == 0x1f && sig[1] == 0x8b) s = new GZipStream(file, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        try { s.CopyTo(ms); }
        catch (InvalidDataException e) { throw new ModelFormatException(path, "/", $"expected a valid gzip stream, got corrupt data ({e.Message}).", e); }
        return Parse(ms.GetBuffer().AsSpan(0, (int)ms.Length), path);
    }

    /// <summary>Parses IDX bytes; <paramref name="source"/> names them in errors.</summary>
    public static Tensor Parse(ReadOnlySpan<byte> bytes, string source = "<bytes>")
    {
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new ModelFormatException(source, "header", $"expected an IDX magic number 0x0000TTRR, got {Hex(bytes[..Math.Min(4, bytes.Length)])}.");
        byte type = bytes[2];
        int rank = bytes[3];
        if (type != 0x08)
            throw new ModelFormatException(source, "header", $"expected unsigned byte data (type 0x08), got type 0x{type:x2}.");
        if (rank == 0 || bytes.Length < 4 + 4 * rank)
            throw new ModelFormatException(source, "header", $"expected {rank} dimension(s) after the magic number, got a {bytes.Length}-byte file.");
        var dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(4 + 4 * i, 4));
            if (dims[i] < 0) throw new ModelFormatException(source, "header", $"expected non-negative dimensions, got {dims[i]} for dimension {i}.");
            size *= dims[i];
        }
        var data = bytes[(4 + 4 * rank)..];
        if (data.Length != size)
            throw new ModelFormatException(source, "data", $"expected {size} data bytes for shape {Shape.Format(dims)}, got {data.Length}.");
        var values = new float[size];
        for (int i = 0; i < values.Length; i++) values[i] = data[i];
        return Tensor.Wrap(values, new Shape(dims));
    }

    private static string Hex(ReadOnlySpan<byte> b) => "0x" + Convert.ToHexString(b);
}
