using System.Text.Json.Nodes;

namespace Graft.Saving;

/// <summary>Typed reads from a Keras config object (a loss's, an optimizer's), with errors that name the object and the key.</summary>
internal sealed class ConfigReader(JsonObject config, string subject)
{
    public JsonObject Config { get; } = config;

    /// <summary>A JSON number as double, whether parsed from text or built from a .NET value.</summary>
    public static double Num(JsonNode n) => Graft.Config.KerasJson.Num(n);

    /// <summary>A JSON number that is a whole number in int's range (Keras sizes, axes, counts); anything else is a <see cref="FormatException"/>.</summary>
    public static int ToInt(JsonNode n) => Graft.Config.KerasJson.ToInt(n);

    public bool Has(string key) => Config.TryGetPropertyValue(key, out var v) && v is not null;

    private JsonNode Required(string key) =>
        Config.TryGetPropertyValue(key, out var v) && v is not null ? v
        : throw new ModelFormatException($"{subject}: expected config key '{key}', got none.");

    private T Read<T>(string key, Func<JsonNode, T> read, string expected)
    {
        var node = Required(key);
        try { return read(node); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelFormatException($"{subject}: expected '{key}' to be {expected}, got {node.ToJsonString()}.");
        }
    }

    public int Int(string key) => Read(key, ToInt, "an integer");
    public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;
    public float Float(string key) => Read(key, n => (float)Num(n), "a number");
    public float Float(string key, float fallback) => Has(key) ? Float(key) : fallback;
    public bool Bool(string key, bool fallback) => Has(key) ? Read(key, n => n.GetValue<bool>(), "true or false") : fallback;
    public string String(string key) => Read(key, n => n.GetValue<string>(), "a string");
    public string? String(string key, string? fallback) => Has(key) ? String(key) : fallback;
}
