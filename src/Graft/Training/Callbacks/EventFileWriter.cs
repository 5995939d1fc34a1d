using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Graft.Training.Callbacks;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;.v2</c>):
/// TFRecord framing (the payload's length as a little-endian uint64, its masked CRC-32C, the payload,
/// the payload's masked CRC-32C) around <c>tensorflow.Event</c> protobuf messages, the first holding
/// <c>file_version = "brain.Event:2"</c>, the others a <c>Summary</c> of scalar values
/// (<c>Summary.Value.simple_value</c>, which TensorBoard's scalars dashboard reads). Only the few
/// protobuf fields these need are encoded, by hand, so the core library takes no protobuf dependency.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    private readonly FileStream _file;

    /// <summary>Creates the directory if needed and a new event file in it, named as TensorFlow names them.</summary>
    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string host = string.Concat(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        // TensorFlow numbers the files a process opens; the first free number keeps two writers of one
        // process in one second apart.
        for (int n = 0; ; n++)
        {
            Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{seconds}.{host}.{Environment.ProcessId}.{n}.v2");
            try { _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read); break; }
            catch (IOException) when (File.Exists(Path) && n < 1000) { }
        }
        Write(Event(step: 0, e => e.String(3, "brain.Event:2")));
        _file.Flush();
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Appends one event with a scalar per tag at <paramref name="step"/>.</summary>
    public void WriteScalars(long step, IEnumerable<(string Tag, double Value)> scalars)
    {
        var summary = new ProtoWriter();
        foreach (var (tag, value) in scalars)
        {
            var v = new ProtoWriter();
            v.String(1, tag);          // Summary.Value.tag
            v.Float(2, (float)value);  // Summary.Value.simple_value
            summary.Message(1, v);     // Summary.value (repeated)
        }
        Write(Event(step, e => e.Message(5, summary)));   // Event.summary
    }

    /// <summary>Pushes what was written to the file, so that TensorBoard sees it while training runs.</summary>
    public void Flush() => _file.Flush();

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    private static byte[] Event(long step, Action<ProtoWriter> body)
    {
        var e = new ProtoWriter();
        e.Double(1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);   // Event.wall_time
        if (step != 0) e.Int64(2, step);                                        // Event.step (0 is the default, omitted)
        body(e);
        return e.ToArray();
    }

    private void Write(byte[] payload)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        _file.Write(header);
        _file.Write(payload);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(payload));
        _file.Write(footer);
    }

    /// <summary>TFRecord's checksum: CRC-32C (Castagnoli), rotated right by 15 bits plus a constant.</summary>
    internal static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>The protobuf wire format for the field types events use: varints, doubles, floats, strings and nested messages.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _bytes = new();

        public byte[] ToArray() => _bytes.ToArray();

        private void Varint(ulong v)
        {
            while (v >= 0x80) { _bytes.WriteByte((byte)(v | 0x80)); v >>= 7; }
            _bytes.WriteByte((byte)v);
        }

        private void Key(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        public void Int64(int field, long v) { Key(field, 0); Varint((ulong)v); }

        public void Double(int field, double v)
        {
            Key(field, 1);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(b, v);
            _bytes.Write(b);
        }

        public void Float(int field, float v)
        {
            Key(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            _bytes.Write(b);
        }

        public void String(int field, string v) => Bytes(field, Encoding.UTF8.GetBytes(v));

        public void Message(int field, ProtoWriter m) => Bytes(field, m.ToArray());

        private void Bytes(int field, byte[] b) { Key(field, 2); Varint((ulong)b.Length); _bytes.Write(b); }
    }
}
