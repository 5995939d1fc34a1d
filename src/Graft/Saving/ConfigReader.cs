using System.Text.Json.Nodes;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Saving;

/// <summary>Typed reads from a Keras layer config, with errors that name the layer and the key.</summary>
internal sealed class ConfigReader(JsonObject config, string subject)
{
    public JsonObject Config { get; } = config;

    /// <summary>A JSON number as double, whether parsed from text or built from a .NET value.</summary>
    public static double Num(JsonNode n)
    {
        var v = n.AsValue();
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<float>(out var f)) return f;
        if (v.TryGetValue<bool>(out _) || v.TryGetValue<string>(out _)) throw new FormatException();
        return double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    }

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

    public int Int(string key) => Read(key, n => (int)Num(n), "an integer");
    public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;
    public float Float(string key) => Read(key, n => (float)Num(n), "a number");
    public float Float(string key, float fallback) => Has(key) ? Float(key) : fallback;
    public float? NullableFloat(string key) => Has(key) ? Float(key) : null;
    public long? NullableLong(string key) => Has(key) ? Read(key, n => (long)Num(n), "an integer") : null;
    public bool Bool(string key, bool fallback) => Has(key) ? Read(key, n => n.GetValue<bool>(), "true or false") : fallback;
    public string String(string key) => Read(key, n => n.GetValue<string>(), "a string");
    public string? String(string key, string? fallback) => Has(key) ? String(key) : fallback;

    public int[] IntArray(string key) => Read(key, n => n switch
    {
        JsonArray a => a.Select(x => x is null ? -1 : (int)Num(x)).ToArray(),
        JsonValue v => [(int)Num(v)],
        _ => throw new FormatException(),
    }, "a list of integers");

    public int[]? NullableIntArray(string key) => Has(key) ? IntArray(key) : null;

    /// <summary>Keras's padding/cropping forms: n, [h, w] or [[top, bottom], [left, right]].</summary>
    public ((int, int), (int, int)) Pairs(string key) => Read(key, n => n switch
    {
        JsonValue v => (((int)Num(v), (int)Num(v)), ((int)Num(v), (int)Num(v))),
        JsonArray a when a.Count == 2 && a[0] is JsonArray h && a[1] is JsonArray w => (((int)Num(h[0]!), (int)Num(h[1]!)), ((int)Num(w[0]!), (int)Num(w[1]!))),
        JsonArray a when a.Count == 2 => (((int)Num(a[0]!), (int)Num(a[0]!)), ((int)Num(a[1]!), (int)Num(a[1]!))),
        _ => throw new FormatException(),
    }, "n, [h, w] or [[top, bottom], [left, right]]");

    /// <summary>The per-sample input shape declared in the config (Keras 2's batch_input_shape, Keras 3's batch_shape).</summary>
    public int[]? InputShape()
    {
        foreach (var key in new[] { "batch_input_shape", "batch_shape" })
            if (Has(key)) return IntArray(key)[1..];
        return null;
    }

    public string? Name => String("name", null);
    public bool Trainable => Bool("trainable", true);

    public Initializer? Initializer(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeInitializer(n), "an initializer") : null;
    public Regularizer? Regularizer(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeRegularizer(n), "a regularizer") : null;
    public Constraint? Constraint(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeConstraint(n), "a constraint") : null;
}
