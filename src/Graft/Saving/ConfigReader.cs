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

    /// <summary>A JSON number that is a whole number in int's range (Keras sizes, axes, counts); anything else is a <see cref="FormatException"/>.</summary>
    public static int ToInt(JsonNode n)
    {
        double d = Num(n);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue) throw new FormatException($"{d} is not a 32-bit integer");
        return (int)d;
    }

    /// <summary>A JSON number that is a whole number in long's range (seeds).</summary>
    public static long ToLong(JsonNode n)
    {
        double d = Num(n);
        if (d != Math.Floor(d) || d < long.MinValue || d >= long.MaxValue) throw new FormatException($"{d} is not a 64-bit integer");
        return (long)d;
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

    public int Int(string key) => Read(key, ToInt, "an integer");
    public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;
    public float Float(string key) => Read(key, n => (float)Num(n), "a number");
    public float Float(string key, float fallback) => Has(key) ? Float(key) : fallback;
    public float? NullableFloat(string key) => Has(key) ? Float(key) : null;
    public long? NullableLong(string key) => Has(key) ? Read(key, ToLong, "an integer") : null;
    public bool Bool(string key, bool fallback) => Has(key) ? Read(key, n => n.GetValue<bool>(), "true or false") : fallback;
    public string String(string key) => Read(key, n => n.GetValue<string>(), "a string");
    public string? String(string key, string? fallback) => Has(key) ? String(key) : fallback;

    public int[] IntArray(string key) => Read(key, n => n switch
    {
        JsonArray a => a.Select(x => x is null ? -1 : ToInt(x)).ToArray(),
        JsonValue v => [ToInt(v)],
        _ => throw new FormatException(),
    }, "a list of integers");

    public int[]? NullableIntArray(string key) => Has(key) ? IntArray(key) : null;

    /// <summary>An integer given alone or as the single element of a list (Keras 1-D sizes: <c>3</c> or <c>[3]</c>).</summary>
    public int FirstInt(string key)
    {
        var a = IntArray(key);
        return a.Length == 1 ? a[0] : throw new ModelFormatException($"{subject}: expected '{key}' to be an integer or a list of one, got {Config[key]!.ToJsonString()}.");
    }

    public int FirstInt(string key, int fallback) => Has(key) ? FirstInt(key) : fallback;
    public int? NullableFirstInt(string key) => Has(key) ? FirstInt(key) : null;

    /// <summary>Keras 2-D sizes: <c>n</c> (both axes) or <c>[h, w]</c>.</summary>
    public (int, int) IntPair(string key, (int, int) fallback)
    {
        if (!Has(key)) return fallback;
        var a = IntArray(key);
        return a.Length switch
        {
            1 => (a[0], a[0]),
            2 => (a[0], a[1]),
            _ => throw new ModelFormatException($"{subject}: expected '{key}' to be an integer or a list of two, got {Config[key]!.ToJsonString()}."),
        };
    }

    /// <summary>Keras's padding/cropping forms: n, [h, w] or [[top, bottom], [left, right]].</summary>
    public ((int, int), (int, int)) Pairs(string key) => Read(key, n => n switch
    {
        JsonValue v => ((ToInt(v), ToInt(v)), (ToInt(v), ToInt(v))),
        JsonArray a when a.Count == 2 && a[0] is JsonArray { Count: 2 } h && a[1] is JsonArray { Count: 2 } w => ((ToInt(h[0]!), ToInt(h[1]!)), (ToInt(w[0]!), ToInt(w[1]!))),
        JsonArray a when a.Count == 2 => ((ToInt(a[0]!), ToInt(a[0]!)), (ToInt(a[1]!), ToInt(a[1]!))),
        _ => throw new FormatException(),
    }, "n, [h, w] or [[top, bottom], [left, right]]");

    /// <summary>Keras's augmentation factors: a number, or a [low, high] pair.</summary>
    public Graft.Layers.Preprocessing.AugmentationFactor Factor(string key) => Read(key, n => n switch
    {
        JsonArray { Count: 2 } a => new Graft.Layers.Preprocessing.AugmentationFactor((float)Num(a[0]!), (float)Num(a[1]!)),
        JsonValue v => new Graft.Layers.Preprocessing.AugmentationFactor((float)Num(v)),
        _ => throw new FormatException(),
    }, "a number or a list of two numbers");

    public Graft.Layers.Preprocessing.AugmentationFactor? NullableFactor(string key) => Has(key) ? Factor(key) : null;

    /// <summary>Two numbers (Keras's value_range).</summary>
    public (float, float) FloatPair(string key, (float, float) fallback) => !Has(key) ? fallback : Read(key, n => n is JsonArray { Count: 2 } a
        ? ((float)Num(a[0]!), (float)Num(a[1]!)) : throw new FormatException(), "a list of two numbers");

    /// <summary>The per-sample input shape declared in the config (Keras 2's batch_input_shape, Keras 3's batch_shape).</summary>
    public int[]? InputShape()
    {
        foreach (var key in new[] { "batch_input_shape", "batch_shape" })
            if (Has(key))
            {
                var shape = IntArray(key);
                return shape.Length >= 2 ? shape[1..]
                    : throw new ModelFormatException($"{subject}: expected '{key}' to be a batch axis and at least one more, got {Config[key]!.ToJsonString()}.");
            }
        return null;
    }

    public string? Name => String("name", null);
    public bool Trainable => Bool("trainable", true);

    public Initializer? Initializer(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeInitializer(n), "an initializer") : null;
    public Regularizer? Regularizer(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeRegularizer(n), "a regularizer") : null;
    public Constraint? Constraint(string key) => Has(key) ? Read(key, n => KerasObjects.DeserializeConstraint(n), "a constraint") : null;
}
