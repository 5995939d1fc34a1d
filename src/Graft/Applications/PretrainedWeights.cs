using Graft.Data;
using Graft.Models;
using Graft.Saving;

namespace Graft.Applications;

/// <summary>
/// Finds Keras's published files (weights, the ImageNet class index) where Keras keeps them, downloads
/// them from Keras's address otherwise, and loads weights into an application.
/// </summary>
internal static class PretrainedWeights
{
    /// <summary>
    /// The folders searched, in order: <c>GRAFT_CACHE</c> (and its <c>models</c> subfolder) when set, then
    /// Keras's cache, <c>$KERAS_HOME/models</c> or <c>~/.keras/models</c>. The first is where downloads go.
    /// </summary>
    public static IReadOnlyList<string> CacheDirectories()
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("GRAFT_CACHE") is { Length: > 0 } graft) { dirs.Add(graft); dirs.Add(Path.Combine(graft, "models")); }
        string keras = Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras");
        dirs.Add(Path.Combine(keras, "models"));
        return dirs;
    }

    /// <summary>
    /// The local path of <paramref name="file"/>: a cached copy whose hash (MD5 or SHA-256) matches Keras's, or a fresh
    /// download into the first cache folder, checked against that hash.
    /// </summary>
    /// <exception cref="FileNotFoundException">No cached copy, and the download failed (offline, refused, timed out, or the wrong file); the message says where to put the file.</exception>
    public static string Get(PretrainedFile file, string subject, TimeSpan? connectTimeout = null)
    {
        var dirs = CacheDirectories();
        string? stale = null;
        foreach (var dir in dirs)
        {
            string candidate = Path.Combine(dir, file.FileName);
            if (!File.Exists(candidate)) continue;
            if (file.Hash is null || string.Equals(Downloader.Hash(candidate, file.Hash), file.Hash, StringComparison.OrdinalIgnoreCase)) return candidate;
            stale = candidate;   // Keras downloads again over a file whose hash differs
        }
        string target = Path.Combine(dirs[0], file.FileName);
        string reason;
        try
        {
            Directory.CreateDirectory(dirs[0]);
            Downloader.DownloadAsync(file.Url, target, file.Hash, null, connectTimeout: connectTimeout).GetAwaiter().GetResult();
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            reason = e is TaskCanceledException ? "timed out" : e.Message;
        }
        string staleNote = stale is null ? "" : $" The copy at {stale} has {Downloader.HashName(file.Hash!)} {Downloader.Hash(stale, file.Hash!)}, not Keras's {file.Hash}.";
        throw new FileNotFoundException(
            $"{subject}: expected Keras's file {file.FileName} in {string.Join(" or ", dirs.Distinct())}, got none, and downloading it from {file.Url} failed ({reason}).{staleNote} " +
            $"Download it on a connected machine and put it in {dirs[0]} (or set GRAFT_CACHE to its folder), or pass its path as weights.", target);
    }

    /// <summary>
    /// Loads a weights file into an application as Keras's <c>load_weights</c> does. Keras 2's layout
    /// (Keras's published files) goes by layer name when every weighted layer of the model is named in
    /// the file, which survives a different layer order; otherwise (files whose layers have automatic
    /// names from another session) by position, Keras's own rule, which checks counts and shapes.
    /// Keras 3's layout (<c>.weights.h5</c>) goes by position.
    /// </summary>
    public static void Load(Model model, string path, string subject)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{subject}: expected a weights file at {path}, got no such file.", path);
        var names = KerasH5Format.LegacyWeightedLayerNames(path);
        if (names is not null && model.Layers.Where(l => l.Weights.Count > 0).All(l => names.Contains(l.Name)))
        {
            var unused = names.Except(model.Layers.Where(l => l.Weights.Count > 0).Select(l => l.Name)).ToList();
            // By name, layers of the file that the model lacks would be skipped without a word: a file for another architecture.
            if (unused.Count > 0)
                throw new ModelFormatException(path, "/", $"{subject}: expected weights for the layers of {model.Name}, got {unused.Count} layers it does not have ({string.Join(", ", unused.Take(5))}{(unused.Count > 5 ? ", …" : "")}). Is it for another architecture, or for the model with its classifier top?");
            model.LoadWeights(path, byName: true);
        }
        else model.LoadWeights(path);
    }
}
