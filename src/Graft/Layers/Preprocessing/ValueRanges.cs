namespace Graft.Layers.Preprocessing;

/// <summary>
/// The color layers' pixel value ranges: validated, and mapped to and from the [0, 255] scale their
/// formulas are written in (Keras's <c>_transform_value_range</c>).
/// </summary>
internal static class ValueRanges
{
    /// <summary>A value range of finite numbers, sorted (as Keras's <c>_set_value_range</c> sorts it); (0, 255) when null.</summary>
    /// <exception cref="ArgumentException">The numbers are not finite or are equal.</exception>
    public static (float Low, float High) Sorted((double Low, double High)? valueRange, string subject)
    {
        var (a, b) = valueRange is { } r ? ((float)r.Low, (float)r.High) : (0f, 255f);
        if (!float.IsFinite(a) || !float.IsFinite(b) || a == b)
            throw new ArgumentException($"{subject}: expected value_range (low, high) of two different finite numbers, got ({a}, {b}).", "valueRange");
        return (Math.Min(a, b), Math.Max(a, b));
    }

    /// <summary>
    /// Maps <paramref name="values"/> from [from.Low, from.High] to [to.Low, to.High] in place, in
    /// Keras's order of float operations; nothing when the ranges are equal.
    /// </summary>
    public static void Map(float[] values, (float Low, float High) from, (float Low, float High) to)
    {
        if (from == to) return;
        float span = from.High - from.Low, scale = to.High - to.Low;
        for (int i = 0; i < values.Length; i++) values[i] = (values[i] - from.Low) / span * scale + to.Low;
    }

    /// <summary>The [0, 255] scale.</summary>
    public static readonly (float Low, float High) Bytes = (0f, 255f);
}
