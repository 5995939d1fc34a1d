using System.IO.Compression;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Data;

/// <summary>
/// NumPy's <c>.npz</c> archives (<c>np.savez</c>, <c>np.savez_compressed</c>): a zip of <c>.npy</c>
/// entries, one per array, named <c>&lt;key&gt;.npy</c>. <c>np.savez(f, a, b)</c> keys positional
/// arrays <c>arr_0</c>, <c>arr_1</c>, …; <c>np.savez(f, x=a)</c> keys them by name. Arrays load as
/// float32, as <see cref="Npy"/> reads them.
/// </summary>
public static class Npz
{
    /// <summary>Reads every array of an archive, keyed by entry name without <c>.npy</c>, in archive order (Keras's and NumPy's <c>np.load(path)</c>).</summary>
    /// <param name="path">The .npz file.</param>
    /// <returns>The arrays in the order they are stored.</returns>
    /// <exception cref="ModelFormatException">The file is not a zip of .npy entries, or an entry is not a valid .npy array; the message names the file and the entry.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(string path)
    {
        var arrays = new OrderedDictionary<string, Tensor>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;   // a folder record, which np.savez never writes
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw new ModelFormatException(path, entry.FullName, "expected only .npy entries (np.savez writes <key>.npy), got another file.");
                string key = entry.FullName[..^4];
                if (arrays.ContainsKey(key)) throw new ModelFormatException(path, entry.FullName, "expected each key once, got it twice.");
                if (entry.Length > Array.MaxLength)
                    throw new ModelFormatException(path, entry.FullName, $"expected an array of at most {Array.MaxLength} bytes, got {entry.Length}.");
                var bytes = new byte[entry.Length];
                using (var s = entry.Open()) s.ReadExactly(bytes);
                arrays[key] = Npy.Parse(bytes, $"{path} [{entry.FullName}]");
            }
        }
        catch (InvalidDataException e) { throw new ModelFormatException(path, "/", $"expected a .npz (zip) archive, got {e.Message}", e); }
        catch (EndOfStreamException e) { throw new ModelFormatException(path, "/", $"expected complete .npy entries, got a truncated archive ({e.Message}).", e); }
        return arrays;
    }

    /// <summary>
    /// Writes arrays into an uncompressed archive that <c>np.load</c> reads (as <c>np.savez(path, **arrays)</c>),
    /// float32, in the given order; written beside the target and renamed into place.
    /// </summary>
    /// <param name="path">The .npz file to write.</param>
    /// <param name="arrays">The arrays by key; each becomes the entry <c>&lt;key&gt;.npy</c>.</param>
    /// <exception cref="ArgumentException">A key is empty or appears twice, or there are no arrays.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        if (list.Count == 0) throw new ArgumentException($"Npz.Save: expected at least one array for {path}, got none.", nameof(arrays));
        var seen = new HashSet<string>();
        foreach (var (key, value) in list)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException($"Npz.Save: expected non-empty keys for {path}, got an empty one.", nameof(arrays));
            if (!seen.Add(key)) throw new ArgumentException($"Npz.Save: expected each key once for {path}, got '{key}' twice.", nameof(arrays));
            ArgumentNullException.ThrowIfNull(value, $"arrays['{key}']");
        }
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (key, value) in list)
            {
                // np.savez stores its entries uncompressed (ZIP_STORED).
                using var entry = zip.CreateEntry(key + ".npy", CompressionLevel.NoCompression).Open();
                Npy.Write(entry, value);
            }
        });
    }
}
