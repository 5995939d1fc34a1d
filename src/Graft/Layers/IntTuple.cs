using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Graft.Config;

namespace Graft.Layers;

/// <summary>
/// A size, stride, pool, dilation or upsampling argument: one integer for every axis, or one per
/// axis, as Keras takes them (<c>kernel_size=3</c> or <c>kernel_size=(3, 2)</c>). Written
/// <c>3</c>, <c>[3, 2]</c>, <c>(3, 2)</c> or from an <c>int[]</c>: <c>new Conv2D(32, 3)</c>.
/// </summary>
[CollectionBuilder(typeof(IntTuple), nameof(Create))]
public readonly struct IntTuple : IEquatable<IntTuple>, IEnumerable<int>, IKerasConfigValue<IntTuple>
{
    private readonly int[]? _values;

    /// <summary>The values as given (one, or one per axis).</summary>
    public IntTuple(params int[] values) => _values = values is null ? null : (int[])values.Clone();

    /// <summary>For collection expressions: <c>[3, 2]</c>.</summary>
    public static IntTuple Create(ReadOnlySpan<int> values) => new(values.ToArray());

    /// <summary>The same value on every axis.</summary>
    public static implicit operator IntTuple(int value) => new(value);

    /// <summary>One value, or one per axis; null is no value (the layer's default).</summary>
    public static implicit operator IntTuple(int[]? values) => new(values!);

    /// <summary>One value per axis of a 2-D layer.</summary>
    public static implicit operator IntTuple((int, int) values) => new(values.Item1, values.Item2);

    /// <summary>One value per axis of a 3-D layer.</summary>
    public static implicit operator IntTuple((int, int, int) values) => new(values.Item1, values.Item2, values.Item3);

    /// <summary>How many values were given (0 for none).</summary>
    public int Count => _values?.Length ?? 0;

    /// <summary>The <paramref name="index"/>th value.</summary>
    public int this[int index] => (_values ?? [])[index];

    /// <summary>
    /// One value per axis of a <paramref name="rank"/>-D layer: a single value repeated, or the
    /// values as given; <paramref name="fallback"/> when none were given.
    /// </summary>
    /// <exception cref="ArgumentException">Neither one value nor <paramref name="rank"/>; the message names <paramref name="subject"/> and <paramref name="what"/>.</exception>
    public int[] PerAxis(int rank, int fallback, string subject, string what) => Count switch
    {
        0 => Enumerable.Repeat(fallback, rank).ToArray(),
        1 => Enumerable.Repeat(_values![0], rank).ToArray(),
        _ when Count == rank => (int[])_values!.Clone(),
        _ => throw new ArgumentException($"{subject}: expected {what} as one integer or {rank}, got {this}."),
    };

    /// <summary>Keras's form: a list of integers.</summary>
    JsonNode IKerasConfigValue.ToJson() => new JsonArray(this.Select(x => (JsonNode)x).ToArray());

    static string IKerasConfigValue<IntTuple>.Expected => "an integer or a list of integers";

    // Keras writes None for a dimension of any size; Graft's shapes say -1.
    static IntTuple IKerasConfigValue<IntTuple>.FromJson(JsonNode node) => node switch
    {
        JsonArray a => new(a.Select(x => x is null ? -1 : KerasJson.ToInt(x)).ToArray()),
        JsonValue v => new(KerasJson.ToInt(v)),
        _ => throw new FormatException(),
    };

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_values ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(IntTuple other) => this.SequenceEqual(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IntTuple t && Equals(t);

    /// <inheritdoc/>
    public override int GetHashCode() => this.Aggregate(17, HashCode.Combine);

    /// <summary>Python's notation: <c>3</c> or <c>(3, 2)</c>.</summary>
    public override string ToString() => Count == 1 ? _values![0].ToString() : "(" + string.Join(", ", this) + ")";

    /// <summary>Equal values.</summary>
    public static bool operator ==(IntTuple a, IntTuple b) => a.Equals(b);

    /// <summary>Different values.</summary>
    public static bool operator !=(IntTuple a, IntTuple b) => !a.Equals(b);
}
