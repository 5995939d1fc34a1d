using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Zero rows and columns around images: ((top, bottom), (left, right)), asymmetric allowed.</summary>
public sealed class ZeroPadding2D : Layer
{
    /// <param name="padding">Rows and columns of zeros: one integer for every side, (height, width), or ((top, bottom), (left, right)), as Keras takes them; default 1.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding2D(Margins2D? padding = null, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        var p = padding ?? 1;
        Padding = p;
        DataFormat = dataFormat;
        if (new[] { p.Height.Top, p.Height.Bottom, p.Width.Left, p.Width.Right }.Any(v => v < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding2D: expected non-negative padding, got {p}.");
    }

    /// <summary>Symmetric padding of <paramref name="size"/> on every side, the layer named <paramref name="name"/>.</summary>
    public ZeroPadding2D(int size, string? name = null) : this((Margins2D)size, "channels_last", name) { }

    /// <summary>((top, bottom), (left, right)).</summary>
    public ((int Top, int Bottom) Height, (int Left, int Right) Width) Padding { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int H => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {x.Shape}.");
        var pads = new (int, int)[4];
        pads[H] = Padding.Height; pads[H + 1] = Padding.Width;
        return Ops.Pad(x, pads);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 4);
        var r = (int?[])s.Clone();
        r[H] = ShapeRules.Dim(this, s[H] + (long)Padding.Height.Top + Padding.Height.Bottom, s, $"padding {Padding}");
        r[H + 1] = ShapeRules.Dim(this, s[H + 1] + (long)Padding.Width.Left + Padding.Width.Right, s, $"padding {Padding}");
        return r;
    }
}
