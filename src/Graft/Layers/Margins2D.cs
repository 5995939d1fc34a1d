using System.Text.Json.Nodes;
using Graft.Config;

namespace Graft.Layers;

/// <summary>
/// Rows and columns to add (ZeroPadding2D) or cut (Cropping2D) on each side of an image, in the
/// forms Keras takes: one integer for every side, <c>(height, width)</c> for symmetric margins, or
/// <c>((top, bottom), (left, right))</c>.
/// </summary>
/// <param name="Height">Rows at the top and at the bottom.</param>
/// <param name="Width">Columns at the left and at the right.</param>
public readonly record struct Margins2D((int Top, int Bottom) Height, (int Left, int Right) Width) : IKerasConfigValue<Margins2D>
{
    /// <summary>The same margin on every side.</summary>
    public static implicit operator Margins2D(int all) => new((all, all), (all, all));

    /// <summary>Symmetric margins: <c>height</c> rows at the top and at the bottom, <c>width</c> columns at each side.</summary>
    public static implicit operator Margins2D((int Height, int Width) symmetric) =>
        new((symmetric.Height, symmetric.Height), (symmetric.Width, symmetric.Width));

    /// <summary>Each side's margin: <c>((top, bottom), (left, right))</c>.</summary>
    public static implicit operator Margins2D(((int Top, int Bottom) Height, (int Left, int Right) Width) sides) => new(sides.Height, sides.Width);

    /// <summary>The margins as <c>((top, bottom), (left, right))</c>.</summary>
    public static implicit operator ((int Top, int Bottom) Height, (int Left, int Right) Width)(Margins2D m) => (m.Height, m.Width);

    /// <summary>Keras's form: <c>[[top, bottom], [left, right]]</c>.</summary>
    JsonNode IKerasConfigValue.ToJson() => new JsonArray(new JsonArray(Height.Top, Height.Bottom), new JsonArray(Width.Left, Width.Right));

    static string IKerasConfigValue<Margins2D>.Expected => "n, [h, w] or [[top, bottom], [left, right]]";

    static Margins2D IKerasConfigValue<Margins2D>.FromJson(JsonNode node)
    {
        if (node is JsonValue v) return KerasJson.ToInt(v);
        if (node is not JsonArray { Count: 2 } a) throw new FormatException();
        if (a[0] is JsonArray { Count: 2 } h && a[1] is JsonArray { Count: 2 } w)
            return new((KerasJson.ToInt(h[0]!), KerasJson.ToInt(h[1]!)), (KerasJson.ToInt(w[0]!), KerasJson.ToInt(w[1]!)));
        return (KerasJson.ToInt(a[0]!), KerasJson.ToInt(a[1]!));
    }

    /// <summary>Python's notation: <c>((top, bottom), (left, right))</c>.</summary>
    public override string ToString() => $"(({Height.Top}, {Height.Bottom}), ({Width.Left}, {Width.Right}))";
}
