using System.Text.Json.Nodes;
using Graft.Config;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// An augmentation's strength as Keras takes it: one number f, meaning a range around zero such as
/// [−f, f], or an explicit (low, high) pair. Converts implicitly, so <c>new RandomRotation(0.1)</c>
/// and <c>new RandomRotation((-0.1, 0.2))</c> read as in Keras.
/// </summary>
public readonly record struct AugmentationFactor : IKerasConfigValue<AugmentationFactor>
{
    /// <summary>One number, a range around zero.</summary>
    public AugmentationFactor(float value) { Low = High = value; IsRange = false; }

    /// <summary>An explicit (low, high) range, in either order.</summary>
    public AugmentationFactor(float low, float high) { Low = low; High = high; IsRange = true; }

    /// <summary>The first number (the only one when <see cref="IsRange"/> is false).</summary>
    public float Low { get; }
    /// <summary>The second number (equal to <see cref="Low"/> when <see cref="IsRange"/> is false).</summary>
    public float High { get; }
    /// <summary>True for a (low, high) pair, false for one number.</summary>
    public bool IsRange { get; }

    /// <summary>One number.</summary>
    public static implicit operator AugmentationFactor(float value) => new(value);
    /// <summary>One number.</summary>
    public static implicit operator AugmentationFactor(double value) => new((float)value);
    /// <summary>A (low, high) pair.</summary>
    public static implicit operator AugmentationFactor((float Low, float High) range) => new(range.Low, range.High);
    /// <summary>A (low, high) pair.</summary>
    public static implicit operator AugmentationFactor((double Low, double High) range) => new((float)range.Low, (float)range.High);

    /// <summary>
    /// The (lower, upper) range this factor means for a layer whose factors lie in [min, max]
    /// (Keras's <c>_set_factor</c>): a pair sorted, one number f as (max(−|f|, min), |f|).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside [min, max] (or (min, max] when <paramref name="minExclusive"/>) or not finite.</exception>
    internal (float Lower, float Upper) Bounds(float min, float max, string argument, string subject, bool minExclusive = false)
    {
        foreach (float v in IsRange ? [Low, High] : new[] { Low })
            if (!float.IsFinite(v) || v > max || (minExclusive ? v <= min : v < min))
                throw new ArgumentOutOfRangeException(argument,
                    $"{subject}: expected {argument} to be a number or a (low, high) pair in {(minExclusive ? "(" : "[")}{min}, {max}], got {this}.");
        if (IsRange) return (Math.Min(Low, High), Math.Max(Low, High));
        float f = Math.Abs(Low);
        return (Math.Max(-f, min), f);
    }

    /// <summary>Keras's config form: the number, or [low, high].</summary>
    public JsonNode ToJson() => IsRange ? new JsonArray(Low, High) : JsonValue.Create(Low);

    static string IKerasConfigValue<AugmentationFactor>.Expected => "a number or a list of two numbers";

    static AugmentationFactor IKerasConfigValue<AugmentationFactor>.FromJson(JsonNode node) => node switch
    {
        JsonArray { Count: 2 } a => new((float)KerasJson.Num(a[0]!), (float)KerasJson.Num(a[1]!)),
        JsonValue v => new((float)KerasJson.Num(v)),
        _ => throw new FormatException(),
    };

    /// <inheritdoc/>
    public override string ToString() => IsRange ? $"({Low}, {High})" : $"{Low}";
}
