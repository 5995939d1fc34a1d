using PureHDF;
using PureHDF.VOL.Native;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Reads through PureHDF with errors that name the file and the object path. Every read of a
/// malformed file ends in a <see cref="ModelFormatException"/>, and no read allocates more than
/// the file can hold.
/// </summary>
/// <param name="path">The file, as errors name it.</param>
/// <param name="length">The size of the HDF5 data in bytes (defaults to the file's size), which bounds what a dataset can hold.</param>
internal sealed class H5(string path, long? length = null)
{
    /// <summary>
    /// The largest ratio of values to bytes that a chunked (possibly deflated) dataset can reach:
    /// deflate, the only filter Keras files use, compresses at most about 1032:1.
    /// </summary>
    private const long MaxCompression = 1032;

    public string Path { get; } = path;

    /// <summary>The size of the HDF5 data in bytes, when known.</summary>
    public long? Length { get; } = length ?? (File.Exists(path) ? new FileInfo(path).Length : null);

    /// <summary>Opens the file at <see cref="Path"/> (or <paramref name="bytes"/>) for reading through a <see cref="ReadLimit"/>.</summary>
    public NativeFile Open(Stream? bytes = null) => Guard("/", "an HDF5 file", () =>
    {
        var stream = bytes ?? File.OpenRead(Path);
        try { CheckHeaps(stream); }
        catch { stream.Dispose(); throw; }
        return H5File.Open(new ReadLimit(stream, this), leaveOpen: false);
    });

    /// <summary>
    /// Checks the file's heaps before the HDF5 reader decodes them: the reader allocates a local heap's
    /// data segment (group member names) and each global heap object (variable-length strings) at the
    /// size the file claims, so one damaged size would allocate up to 2 GiB before failing. Every
    /// local heap's segment and every global heap collection must lie inside the file, and every
    /// object inside its collection. One pass over the file's bytes.
    /// </summary>
    private void CheckHeaps(Stream s)
    {
        if (!s.CanSeek) return;
        var head = new byte[16];
        s.Position = 0;
        if (s.ReadAtLeast(head, 16, throwOnEndOfStream: false) < 16 || !head.AsSpan(0, 8).SequenceEqual(Signature)) { s.Position = 0; return; }
        // The superblock's sizes of offsets and lengths (bytes 13-14 in versions 0-1, 9-10 in 2-3); Keras files use 8 and 8.
        (int offsetSize, int lengthSize) = head[8] <= 1 ? (head[13], head[14]) : (head[9], head[10]);
        if (offsetSize != 8 || lengthSize != 8) { s.Position = 0; return; }
        long length = s.Length;
        var chunk = new byte[1 << 20];
        var found = new List<long>();
        for (long start = 0; start < length; start += chunk.Length - 3)
        {
            s.Position = start;
            int n = s.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            foreach (var sig in new[] { "GCOL"u8.ToArray(), "HEAP"u8.ToArray() })
                for (int i = chunk.AsSpan(0, n).IndexOf(sig); i >= 0;)
                {
                    if (!found.Contains(start + i)) found.Add(start + i);
                    int next = chunk.AsSpan(i + 1, n - i - 1).IndexOf(sig);
                    i = next < 0 ? -1 : i + 1 + next;
                }
            if (n < chunk.Length) break;
        }
        foreach (long at in found) CheckHeap(s, at, length);
        s.Position = 0;
    }

    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    private void CheckHeap(Stream s, long at, long fileLength)
    {
        var header = new byte[32];
        s.Position = at;
        if (s.ReadAtLeast(header, 32, throwOnEndOfStream: false) < 16) return;
        bool global = header[0] == (byte)'G';
        // Version (1 for a global heap, 0 for a local one) and three zero bytes; anything else is data that happens to read "GCOL" or "HEAP".
        if (header[4] != (global ? 1 : 0) || header[5] != 0 || header[6] != 0 || header[7] != 0) return;
        long size = BitConverter.ToInt64(header, 8);
        if (!global)
        {
            long address = BitConverter.ToInt64(header, 24);
            if (size < 0 || address < 0 || size > fileLength || address > fileLength - size)
                throw Error("/", $"expected a local heap (at byte {at}) whose data lies inside the {fileLength}-byte file, got {size} bytes at byte {address}. The file is damaged.");
            return;
        }
        if (size < 16 || size > fileLength - at)
            throw Error("/", $"expected a global heap collection (at byte {at}) inside the {fileLength}-byte file, got one of {size} bytes. The file is damaged.");
        var body = new byte[size];
        s.Position = at;
        s.ReadExactly(body);
        for (long pos = 16; pos + 16 <= size;)
        {
            if (BitConverter.ToUInt16(body, (int)pos) == 0) break;   // the free space that ends the collection
            ulong objectSize = BitConverter.ToUInt64(body, (int)pos + 8);
            if (objectSize > (ulong)(size - pos - 16))
                throw Error("/", $"expected the objects of the global heap collection at byte {at} inside its {size} bytes, got one claiming {objectSize} bytes. The file is damaged.");
            pos += 16 + (long)((objectSize + 7) & ~7UL);
        }
    }

    public ModelFormatException Error(string objectPath, string message, Exception? inner = null) => new(Path, objectPath, message, inner);

    /// <summary>Runs a read, turning any failure of the HDF5 layer into a <see cref="ModelFormatException"/>.</summary>
    public T Guard<T>(string objectPath, string what, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not ModelFormatException and not NotSupportedException)
        {
            // PureHDF reports most damage as a bare Exception; its type adds nothing then.
            string reason = e.GetType() == typeof(Exception) ? e.Message : $"{e.GetType().Name}: {e.Message}";
            throw Error(objectPath, $"expected {what}, got data the HDF5 reader rejects ({reason}). The file is damaged or not written by Keras.", e);
        }
    }

    public bool HasAttribute(IH5Object obj, string objectPath, string name) => Guard(objectPath, $"attributes", () => obj.AttributeExists(name));

    /// <summary>A string attribute (fixed or variable length, or bytes).</summary>
    public string? StringAttribute(IH5Object obj, string objectPath, string name)
    {
        if (!HasAttribute(obj, objectPath, name)) return null;
        return Guard($"{objectPath}@{name}", "a string attribute", () =>
        {
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
                throw Error($"{objectPath}@{name}", $"expected a string, got HDF5 type {a.Type.Class}.");
            CheckSize($"{objectPath}@{name}", a.Space.Dimensions, a.Type.Size, chunked: false);
            return a.Space.Rank == 0 ? a.Read<string>() : string.Concat(a.Read<string[]>());
        });
    }

    /// <summary>A list-of-strings attribute; h5py writes an empty list as an empty float array.</summary>
    public string[] StringListAttribute(IH5Object obj, string objectPath, string name)
    {
        if (!HasAttribute(obj, objectPath, name)) throw Error(objectPath, $"expected attribute '{name}', got none.");
        return Guard($"{objectPath}@{name}", "a list of strings", () =>
        {
            var a = obj.Attribute(name);
            if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            {
                if (a.Space.Dimensions.Aggregate(1UL, (x, y) => x * y) == 0) return [];
                throw Error($"{objectPath}@{name}", $"expected a list of strings, got HDF5 type {a.Type.Class}.");
            }
            CheckSize($"{objectPath}@{name}", a.Space.Dimensions, a.Type.Size, chunked: false);
            return a.Space.Rank == 0 ? [a.Read<string>()] : a.Read<string[]>();
        });
    }

    /// <summary>A numeric dataset as a float32 tensor of its shape; its declared size is checked against the file's before reading.</summary>
    public Tensor ReadTensor(IH5Dataset d, string objectPath) => Guard(objectPath, "a numeric dataset", () =>
    {
        long size = CheckSize(objectPath, d.Space.Dimensions, d.Type.Size, Chunked(d));
        var dims = d.Space.Dimensions.Select(x => (int)x).ToArray();
        float[] values = (d.Type.Class, d.Type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => d.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => d.Read<double[]>().Select(v => (float)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 4) => d.Read<int[]>().Select(v => (float)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 8) => d.Read<long[]>().Select(v => (float)v).ToArray(),
            _ => throw Error(objectPath, $"expected float32/float64/int data, got HDF5 type {d.Type.Class} of {d.Type.Size} bytes."),
        };
        if (values.Length != size) throw Error(objectPath, $"expected {size} values for shape {Shape.Format(dims)}, got {values.Length}.");
        return Tensor.Wrap(values, new Shape(dims));
    });

    public IH5Object? Child(IH5Group g, string objectPath, string name) =>
        Guard($"{objectPath}/{name}", "a group or dataset", () => g.LinkExists(name) ? g.Get(name) : null);

    /// <summary>
    /// The children of a group. A damaged link structure can cycle, so the enumeration stops with an
    /// error beyond the number of links the file's bytes could hold.
    /// </summary>
    public List<IH5Object> Children(IH5Group g, string objectPath) => Guard(objectPath, "a group", () =>
    {
        long limit = Length is { } len ? Math.Max(16, len / 8) : 1 << 20;   // a link takes more than 8 bytes
        var list = new List<IH5Object>();
        foreach (var c in g.Children())
        {
            if (list.Count >= limit) throw Error(objectPath, $"expected at most {limit} links in a group of a {Length}-byte file, got more: the group's links cycle. The file is damaged.");
            list.Add(c);
        }
        return list;
    });

    /// <summary>
    /// The number of values the datasets below <paramref name="group"/> declare, each bounded by what
    /// the file's bytes can hold: an upper bound on the weights a model loaded from it can use.
    /// Reads metadata only.
    /// </summary>
    public long StoredValues(IH5Group group, string objectPath)
    {
        long total = 0;
        var seen = new HashSet<string>();
        void Walk(IH5Group g, string p, int depth)
        {
            if (depth > 64) throw Error(p, "expected groups nested at most 64 deep, got deeper (a cycle?).");
            foreach (var child in Children(g, p))
            {
                string cp = $"{p.TrimEnd('/')}/{child.Name}";
                if (!seen.Add(cp)) continue;
                if (child is IH5Group cg) Walk(cg, cp, depth + 1);
                else if (child is IH5Dataset d)
                    total = Math.Min(long.MaxValue / 2, total + Guard(cp, "a dataset", () => Values(d.Space.Dimensions, d.Type.Size, Chunked(d))));
            }
        }
        Walk(group, objectPath, 0);
        return total;
    }

    private static bool Chunked(IH5Dataset d) => d.Layout.Class is not (H5DataLayoutClass.Compact or H5DataLayoutClass.Contiguous);

    /// <summary>A dataset's declared values, bounded by what the file's bytes can hold.</summary>
    private long Values(ulong[] dims, int typeSize, bool chunked)
    {
        ulong n = 1;
        foreach (var d in dims) n = d == 0 ? 0 : n > ulong.MaxValue / d ? ulong.MaxValue : n * d;
        long bound = Length is { } len ? (chunked ? len * MaxCompression : len) / Math.Max(1, typeSize) : long.MaxValue;
        return (long)Math.Min(n, (ulong)bound);
    }

    /// <summary>Checks before reading that declared data of <paramref name="dims"/> fits in one array and in the file.</summary>
    private long CheckSize(string objectPath, ulong[] dims, int typeSize, bool chunked)
    {
        ulong n = 1;
        foreach (var d in dims) n = d == 0 ? 0 : n > ulong.MaxValue / d ? ulong.MaxValue : n * d;
        string shape = "(" + string.Join(", ", dims) + ")";
        if (n > (ulong)Array.MaxLength)
            throw Error(objectPath, $"expected at most {Array.MaxLength} values, got shape {shape}. The file is damaged.");
        if (Length is { } len && n * (ulong)Math.Max(1, typeSize) > (ulong)len * (chunked ? (ulong)MaxCompression : 1UL))
            throw Error(objectPath, $"expected data that fits in the file's {len} bytes, got shape {shape} of {typeSize}-byte values. The file is damaged.");
        return (long)n;
    }

    /// <summary>
    /// A stream that fails once far more bytes have been read than the file holds: a damaged B-tree
    /// or heap whose links cycle makes the HDF5 reader read the same blocks forever, and this turns
    /// that into an error instead of a hang. Reading a sound file reads each block a few times.
    /// </summary>
    private sealed class ReadLimit(Stream inner, H5 h5) : Stream
    {
        private readonly long _limit = 64 * inner.Length + (16 << 20);
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int n)
        {
            _read += n;
            if (_read > _limit)
                throw h5.Error("/", $"expected to read the {inner.Length}-byte file a few times over at most, got past {_limit} bytes: its B-trees or heaps link in a cycle. The file is damaged.");
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
