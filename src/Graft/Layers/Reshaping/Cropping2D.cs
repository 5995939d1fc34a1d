using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Removes rows and columns at the borders: ((top, bottom), (left, right)).</summary>
public sealed class Cropping2D : Layer
{
    /// <param name="cropping">Rows and columns to cut: one integer for every side, (height, width), or ((top, bottom), (left, right)); default none.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public Cropping2D(Margins2D cropping = default, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        Cropping = cropping; DataFormat = dataFormat;
        if (new[] { cropping.Height.Top, cropping.Height.Bottom, cropping.Width.Left, cropping.Width.Right }.Any(v => v < 0))
            throw new ArgumentOutOfRangeException(nameof(cropping), $"Cropping2D: expected non-negative cropping, got {cropping}.");
    }

    /// <summary>((top, bottom), (left, right)).</summary>
    public ((int Top, int Bottom) Height, (int Left, int Right) Width) Cropping { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int H => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        int h = x.Shape[H], w = x.Shape[H + 1];
        int nh = h - Cropping.Height.Top - Cropping.Height.Bottom, nw = w - Cropping.Width.Left - Cropping.Width.Right;
        if (x.Rank != 4 || nh <= 0 || nw <= 0)
            throw new ArgumentException($"{Describe()}: expected images larger than the cropping {Cropping}, got shape {x.Shape}.");
        var starts = new int[4]; starts[H] = Cropping.Height.Top; starts[H + 1] = Cropping.Width.Left;
        var sizes = x.Shape.ToArray(); sizes[H] = nh; sizes[H + 1] = nw;
        return Autograd.Ops.Slice(x, starts, sizes, [1, 1, 1, 1]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 4);
        var r = (int?[])s.Clone();
        r[H] = ShapeRules.Dim(this, s[H] - ((long)Cropping.Height.Top + Cropping.Height.Bottom), s, $"cropping {Cropping}");
        r[H + 1] = ShapeRules.Dim(this, s[H + 1] - ((long)Cropping.Width.Left + Cropping.Width.Right), s, $"cropping {Cropping}");
        return r;
    }
}
