using System.Globalization;
using System.Text.Json.Nodes;

namespace Graft.Config;

/// <summary>
/// The JSON forms Keras writes its configs in, shared by everything that reads or writes one
/// (initializers, regularizers, constraints, layers, files): numbers that may have been parsed or
/// built from .NET values, and serialized objects — Keras 3's
/// <c>{"module", "class_name", "config", "registered_name"}</c>, Keras 2's <c>{"class_name", "config"}</c>,
/// or a bare identifier string.
/// </summary>
internal static class KerasJson
{
    /// <summary>A JSON number as double, whether parsed from text or built from a .NET value.</summary>
    /// <exception cref="FormatException">The value is not a number.</exception>
    public static double Num(JsonNode n)
    {
        var v = n.AsValue();
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<float>(out var f)) return f;
        if (v.TryGetValue<bool>(out _) || v.TryGetValue<string>(out _)) throw new FormatException();
        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
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

    /// <summary>Keras 3's serialized object.</summary>
    public static JsonObject Wrap(string module, string className, JsonNode? config) => new()
    {
        ["module"] = module, ["class_name"] = className, ["config"] = config, ["registered_name"] = null,
    };

    /// <summary>The class name and config of a serialized object (an identifier string has an empty config).</summary>
    /// <exception cref="FormatException">Neither a string nor an object with a class name.</exception>
    public static (string ClassName, JsonObject Config) Unwrap(JsonNode node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return (s, []);
        if (node is JsonObject o && o["class_name"] is JsonValue c && c.TryGetValue<string>(out var cls))
            return (cls, o["config"] as JsonObject ?? []);
        throw new FormatException();
    }

    /// <summary>A number of <paramref name="config"/>, or <paramref name="fallback"/> when the key is absent or null.</summary>
    public static float Float(JsonObject config, string key, float fallback) => config[key] is { } n ? (float)Num(n) : fallback;

    /// <summary>An integer of <paramref name="config"/>, or <paramref name="fallback"/> when the key is absent or null.</summary>
    public static int Int(JsonObject config, string key, int fallback) => config[key] is { } n ? ToInt(n) : fallback;

    /// <summary>A string of <paramref name="config"/>, or <paramref name="fallback"/> when the key is absent or null.</summary>
    public static string String(JsonObject config, string key, string fallback) => config[key] is { } n ? n.GetValue<string>() : fallback;
}
