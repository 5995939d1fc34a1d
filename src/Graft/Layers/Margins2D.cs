namespace Graft.Layers;

/// <summary>
/// Rows and columns to add (ZeroPadding2D) or cut (Cropping2D) on each side of an image, in the
/// forms Keras takes: one integer for every side, <c>(height, width)</c> for symmetric margins, or
/// <c>((top, bottom), (left, right))</c>.
/// </summary>
/// <param name="Height">Rows at the top and at the bottom.</param>
/// <param name="Width">Columns at the left and at the right.</param>
public readonly record struct Margins2D((int Top, int Bottom) Height, (int Left, int Right) Width)
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

    /// <summary>Python's notation: <c>((top, bottom), (left, right))</c>.</summary>
    public override string ToString() => $"(({Height.Top}, {Height.Bottom}), ({Width.Left}, {Width.Right}))";
}
