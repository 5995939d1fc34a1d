using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Graft.Saving;

/// <summary>
/// Extra facts stored beside a model in a <c>.keras</c> archive: its <c>metadata.json</c>, which Keras writes
/// (<c>keras_version</c>, <c>date_saved</c>) and does not interpret when loading, so a key of ours travels with
/// the file and Keras loads it unchanged. Today one key: <c>class_names</c>, the label of each output unit of
/// a classifier (the folder names of an image dataset), so that predictions can be printed by name.
/// </summary>
public static class KerasMetadata
{
    /// <summary>The key of the class names in <c>metadata.json</c>.</summary>
    public const string ClassNamesKey = "class_names";

    /// <summary>
    /// Stores <paramref name="classNames"/> (in label order) in the <c>metadata.json</c> of the <c>.keras</c>
    /// archive at <paramref name="path"/>, keeping its other keys.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not a .keras archive, or the list is empty.</exception>
    /// <exception cref="ModelFormatException">The archive is malformed.</exception>
    public static void WriteClassNames(string path, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw new ArgumentException("KerasMetadata.WriteClassNames: expected at least one class name, got none.", nameof(classNames));
        CheckKeras(path, "WriteClassNames");
        try
        {
            using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
            var entry = zip.GetEntry("metadata.json");
            JsonObject metadata = [];
            if (entry is not null)
            {
                using (var r = new StreamReader(entry.Open())) metadata = ModelConfig.Parse(r.ReadToEnd(), $"{path} [metadata.json]");
                entry.Delete();
            }
            metadata[ClassNamesKey] = new JsonArray(classNames.Select(c => (JsonNode?)c).ToArray());
            using var w = new StreamWriter(zip.CreateEntry("metadata.json").Open());
            w.Write(metadata.ToJsonString());
        }
        catch (InvalidDataException e) { throw new ModelFormatException(path, "/", $"expected a valid .keras zip archive, got {e.Message}", e); }
    }

    /// <summary>
    /// The class names stored in the <c>.keras</c> archive at <paramref name="path"/>, or null when it holds
    /// none (or is not a <c>.keras</c> file: other formats carry no metadata).
    /// </summary>
    /// <exception cref="ModelFormatException">The archive, or its class names, are malformed.</exception>
    public static IReadOnlyList<string>? ReadClassNames(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) || KerasFormat.Detect(path) != KerasFormat.Kind.Zip) return null;
        JsonObject metadata;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.GetEntry("metadata.json") is not { } entry) return null;
            using var r = new StreamReader(entry.Open());
            metadata = ModelConfig.Parse(r.ReadToEnd(), $"{path} [metadata.json]");
        }
        catch (InvalidDataException e) { throw new ModelFormatException(path, "/", $"expected a valid .keras zip archive, got {e.Message}", e); }
        if (metadata[ClassNamesKey] is not { } node) return null;
        if (node is JsonArray names && names.All(n => n is JsonValue v && v.TryGetValue<string>(out _)))
            return names.Select(n => n!.GetValue<string>()).ToArray();
        throw new ModelFormatException(path, $"metadata.json/{ClassNamesKey}", $"expected a list of strings, got {node.ToJsonString()}.");
    }

    private static void CheckKeras(string path, string operation)
    {
        if (!path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"KerasMetadata.{operation}: expected a .keras archive, got '{path}'; only the .keras format carries metadata.", nameof(path));
        if (!File.Exists(path)) throw new FileNotFoundException($"KerasMetadata.{operation}: expected a .keras archive, got '{path}', which does not exist.", path);
    }
}
