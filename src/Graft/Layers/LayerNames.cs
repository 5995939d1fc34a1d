using System.Text.RegularExpressions;

namespace Graft.Layers;

/// <summary>
/// Keras-style automatic names: the class name in snake_case, then <c>_1</c>, <c>_2</c>, …, counted
/// per <see cref="GraftContext"/> (<see cref="GraftContext.ClearSession"/> starts them again).
/// </summary>
public static partial class LayerNames
{
    /// <summary>A unique name in <see cref="GraftContext.Current"/> for a new layer of this base name: <c>dense</c>, <c>dense_1</c>, …</summary>
    public static string Unique(string baseName) => GraftContext.Current.UniqueName(baseName);

    /// <summary>
    /// Marks <paramref name="name"/> as taken, so that automatic names skip it: after loading layers
    /// named <c>dense</c> and <c>dense_1</c> from a file, a new <c>Dense</c> is <c>dense_2</c>, not a second
    /// <c>dense_1</c> (layer names address weights in <c>.h5</c> files).
    /// </summary>
    internal static void Reserve(string name)
    {
        var m = Counter().Match(name);
        var (baseName, n) = m.Success && int.TryParse(m.Groups[2].Value, out int k) ? (m.Groups[1].Value, k) : (name, 0);
        GraftContext.Current.ReserveName(baseName, n);
    }

    [GeneratedRegex(@"^(.*)_(\d+)$")] private static partial Regex Counter();

    /// <summary>Keras's <c>to_snake_case</c>: <c>LeakyReLU</c> → <c>leaky_re_lu</c>, <c>Conv2D</c> → <c>conv2d</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        string s = WordStart().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")] private static partial Regex WordStart();
    [GeneratedRegex("([a-z])([A-Z])")] private static partial Regex LowerUpper();
}
