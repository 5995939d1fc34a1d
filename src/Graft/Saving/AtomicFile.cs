using System.Text.RegularExpressions;

namespace Graft.Saving;

/// <summary>
/// Writes a file next to its destination (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>) and renames it into place,
/// so a failure never destroys the previous file. A save killed midway leaves its temporary file
/// behind; the next save of the same target deletes such leftovers.
/// </summary>
internal static partial class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var started = DateTime.UtcNow;
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Save: expected an existing folder for {full}, got none: create {dir} first.");
        DeleteStaleTemps(full, started);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Held exclusively while written: another save of the same target sees it is alive and leaves it.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    [GeneratedRegex(@"^[0-9a-f]{32}$")]
    private static partial Regex TempId();

    /// <summary>
    /// Deletes the temporary files of earlier saves of <paramref name="target"/> that no process
    /// holds any more: last written before this save began and not open elsewhere (a live save
    /// holds its file exclusively). Best effort: a file that cannot be deleted is left alone.
    /// </summary>
    internal static void DeleteStaleTemps(string target, DateTime before)
    {
        string dir = Path.GetDirectoryName(target)!, prefix = $".{Path.GetFileName(target)}.";
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, "*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in candidates)
        {
            string name = Path.GetFileName(file);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal)
                || !TempId().IsMatch(name[prefix.Length..^4])) continue;
            try
            {
                if (File.GetLastWriteTimeUtc(file) >= before) continue;
                // Opening exclusively fails while a live save holds the file; then it is not stale.
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
