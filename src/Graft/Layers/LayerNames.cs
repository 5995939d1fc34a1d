using System.Text.RegularExpressions;

namespace Graft.Layers;

/// <summary>Keras-style automatic names: the class name in snake_case, then <c>_1</c>, <c>_2</c>, … (per process).</summary>
public static partial class LayerNames
{
    private static readonly Dictionary<string, int> s_counts = [];
    private static readonly Lock s_lock = new();

    /// <summary>A unique name for a new layer of this base name: <c>dense</c>, <c>dense_1</c>, …</summary>
    public static string Unique(string baseName)
    {
        lock (s_lock)
        {
            s_counts.TryGetValue(baseName, out int n);
            s_counts[baseName] = n + 1;
            return n == 0 ? baseName : $"{baseName}_{n}";
        }
    }

    /// <summary>
    /// Marks <paramref name="name"/> as taken, so that automatic names skip it: after loading layers
    /// named <c>dense</c> and <c>dense_1</c> from a file, a new <c>Dense</c> is <c>dense_2</c>, not a second
    /// <c>dense_1</c> (layer names address weights in <c>.h5</c> files).
    /// </summary>
    internal static void Reserve(string name)
    {
        var m = Counter().Match(name);
        var (baseName, n) = m.Success && int.TryParse(m.Groups[2].Value, out int k) ? (m.Groups[1].Value, k) : (name, 0);
        lock (s_lock)
            if (s_counts.GetValueOrDefault(baseName) <= n) s_counts[baseName] = n + 1;
    }

    [GeneratedRegex(@"^(.*)_(\d+)$")] private static partial Regex Counter();

    /// <summary>Forgets all names handed out, like <c>keras.backend.clear_session()</c>.</summary>
    public static void Reset() { lock (s_lock) s_counts.Clear(); }

    /// <summary>Keras's <c>to_snake_case</c>: <c>LeakyReLU</c> → <c>leaky_re_lu</c>, <c>Conv2D</c> → <c>conv2d</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        string s = WordStart().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")] private static partial Regex WordStart();
    [GeneratedRegex("([a-z])([A-Z])")] private static partial Regex LowerUpper();
}
