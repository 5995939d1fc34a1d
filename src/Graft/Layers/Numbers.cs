using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Graft.Config;

namespace Graft.Layers;

/// <summary>
/// A layer option that Keras takes as one number or as a list of them (Rescaling's <c>scale</c>,
/// Normalization's <c>mean</c> and <c>variance</c>): <c>new Rescaling(1.0 / 255)</c> or one value per
/// channel, <c>new Rescaling(new[] { 0.5f, 0.6f, 0.7f })</c>. Remembers which form it was given, so a
/// config is written back in the same form Keras wrote it.
/// </summary>
[CollectionBuilder(typeof(Numbers), nameof(Create))]
public readonly struct Numbers : IEquatable<Numbers>, IEnumerable<float>, IKerasConfigValue<Numbers>
{
    private readonly float[]? _values;

    /// <summary>One number.</summary>
    public Numbers(double value) { _values = [(float)value]; IsList = false; }

    /// <summary>A list of numbers (copied).</summary>
    public Numbers(float[] values) { ArgumentNullException.ThrowIfNull(values); _values = (float[])values.Clone(); IsList = true; }

    /// <summary>For collection expressions: <c>[0.5f, 0.6f]</c> is a list.</summary>
    public static Numbers Create(ReadOnlySpan<float> values) => new(values.ToArray());

    /// <summary>One number.</summary>
    public static implicit operator Numbers(double value) => new(value);
    /// <summary>One number.</summary>
    public static implicit operator Numbers(float value) => new(value);
    /// <summary>A list of numbers.</summary>
    public static implicit operator Numbers(float[] values) => new(values);
    /// <summary>A list of numbers.</summary>
    public static implicit operator Numbers(double[] values) => new(values.Select(v => (float)v).ToArray());

    /// <summary>True when given as a list (even of one), false for a single number.</summary>
    public bool IsList { get; }

    /// <summary>The values: one for a single number.</summary>
    public IReadOnlyList<float> Values => _values ?? [];

    /// <summary>How many values (1 for a single number).</summary>
    public int Count => _values?.Length ?? 0;

    /// <summary>A copy of the values.</summary>
    public float[] ToArray() => (float[])(_values ?? []).Clone();

    /// <summary>Keras's form: the number, or the list.</summary>
    JsonNode IKerasConfigValue.ToJson() => IsList ? new JsonArray(Values.Select(v => (JsonNode)v).ToArray()) : JsonValue.Create(Values[0]);

    static string IKerasConfigValue<Numbers>.Expected => "a number or a list of numbers";

    // Keras writes a list as nested lists when it came from an array of another shape; the values
    // are what matters, in order.
    static Numbers IKerasConfigValue<Numbers>.FromJson(JsonNode node) => node switch
    {
        JsonArray a => new Numbers(Flatten(a).ToArray()),
        JsonValue v => new Numbers(KerasJson.Num(v)),
        _ => throw new FormatException(),
    };

    private static IEnumerable<float> Flatten(JsonNode n) =>
        n is JsonArray a ? a.SelectMany(x => Flatten(x ?? throw new FormatException())) : [(float)KerasJson.Num(n)];

    /// <inheritdoc/>
    public IEnumerator<float> GetEnumerator() => Values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Numbers other) => IsList == other.IsList && Values.SequenceEqual(other.Values);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Numbers n && Equals(n);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsList, Count, Count > 0 ? Values[0] : 0f);
    /// <summary>Value equality.</summary>
    public static bool operator ==(Numbers a, Numbers b) => a.Equals(b);
    /// <summary>Value inequality.</summary>
    public static bool operator !=(Numbers a, Numbers b) => !a.Equals(b);

    /// <inheritdoc/>
    public override string ToString() => IsList ? $"[{string.Join(", ", Values)}]" : $"{Values[0]}";
}
