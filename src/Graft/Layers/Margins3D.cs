using System.Text.Json.Nodes;
using Graft.Config;

namespace Graft.Layers;

/// <summary>
/// Cells to add (ZeroPadding3D) or cut (Cropping3D) on each side of a volume, in the forms Keras
/// takes: one integer for every side, <c>(depth, height, width)</c> for symmetric margins, or
/// <c>((front, back), (top, bottom), (left, right))</c>.
/// </summary>
/// <param name="Depth">Planes at the front and at the back (first spatial axis).</param>
/// <param name="Height">Rows at the top and at the bottom.</param>
/// <param name="Width">Columns at the left and at the right.</param>
public readonly record struct Margins3D((int Before, int After) Depth, (int Before, int After) Height, (int Before, int After) Width) : IKerasConfigValue<Margins3D>
{
    /// <summary>The same margin on every side.</summary>
    public static implicit operator Margins3D(int all) => new((all, all), (all, all), (all, all));

    /// <summary>Symmetric margins per axis.</summary>
    public static implicit operator Margins3D((int Depth, int Height, int Width) symmetric) =>
        new((symmetric.Depth, symmetric.Depth), (symmetric.Height, symmetric.Height), (symmetric.Width, symmetric.Width));

    /// <summary>Each side's margin: <c>((front, back), (top, bottom), (left, right))</c>.</summary>
    public static implicit operator Margins3D(((int, int) Depth, (int, int) Height, (int, int) Width) sides) => new(sides.Depth, sides.Height, sides.Width);

    /// <summary>The (before, after) pairs of the three spatial axes, in order.</summary>
    public (int Before, int After)[] PerAxis => [Depth, Height, Width];

    /// <summary>Keras's form: <c>[[front, back], [top, bottom], [left, right]]</c>.</summary>
    JsonNode IKerasConfigValue.ToJson() => new JsonArray(PerAxis.Select(p => (JsonNode)new JsonArray(p.Before, p.After)).ToArray());

    static string IKerasConfigValue<Margins3D>.Expected => "n, [d, h, w] or [[front, back], [top, bottom], [left, right]]";

    static Margins3D IKerasConfigValue<Margins3D>.FromJson(JsonNode node)
    {
        if (node is JsonValue v) return KerasJson.ToInt(v);
        if (node is not JsonArray { Count: 3 } a) throw new FormatException();
        if (a.All(e => e is JsonArray { Count: 2 }))
        {
            (int, int) Pair(JsonNode? e) => (KerasJson.ToInt(e![0]!), KerasJson.ToInt(e[1]!));
            return new(Pair(a[0]), Pair(a[1]), Pair(a[2]));
        }
        return (KerasJson.ToInt(a[0]!), KerasJson.ToInt(a[1]!), KerasJson.ToInt(a[2]!));
    }

    /// <summary>Python's notation: <c>((front, back), (top, bottom), (left, right))</c>.</summary>
    public override string ToString() => $"(({Depth.Before}, {Depth.After}), ({Height.Before}, {Height.After}), ({Width.Before}, {Width.After}))";
}
