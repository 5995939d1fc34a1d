namespace Graft.Saving;

/// <summary>Picks the format of a model file by its content (HDF5 signature or zip), not only its extension.</summary>
internal static class KerasFormat
{
    /// <summary>The Keras version whose layouts Graft writes.</summary>
    public const string KerasVersion = "3.4.1";

    private static readonly byte[] HdfSignature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public enum Kind { Hdf5, Zip }

    public static Kind Detect(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model.Load: expected a Keras model file at {Path.GetFullPath(path)}, got no such file.", path);
        var head = new byte[8];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K') return Kind.Zip;
        if (n == 8 && head.AsSpan().SequenceEqual(HdfSignature)) return Kind.Hdf5;
        // HDF5 allows a user block before the superblock, at 512, 1024, ... bytes.
        using (var f = File.OpenRead(path))
            for (long offset = 512; offset < f.Length; offset *= 2)
            {
                f.Position = offset;
                if (f.ReadAtLeast(head, 8, false) == 8 && head.AsSpan().SequenceEqual(HdfSignature)) return Kind.Hdf5;
            }
        throw new ModelFormatException(path, "/", $"expected a Keras model file (HDF5 signature 89 48 44 46 0D 0A 1A 0A, or a .keras zip starting with 'PK'), got bytes {Convert.ToHexString(head, 0, n)}.");
    }
}
