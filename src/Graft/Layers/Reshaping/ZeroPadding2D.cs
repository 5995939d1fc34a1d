using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Zero rows and columns around images: ((top, bottom), (left, right)), asymmetric allowed.</summary>
public sealed class ZeroPadding2D : Layer
{
    /// <param name="padding">((top, bottom), (left, right)).</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding2D(((int Top, int Bottom) Height, (int Left, int Right) Width) padding, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        Padding = padding;
        DataFormat = dataFormat;
        if (new[] { padding.Height.Top, padding.Height.Bottom, padding.Width.Left, padding.Width.Right }.Any(p => p < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding2D: expected non-negative padding, got {padding}.");
    }

    /// <summary>Symmetric padding of <paramref name="size"/> on every side.</summary>
    public ZeroPadding2D(int size = 1, string? name = null) : this(((size, size), (size, size)), "channels_last", name) { }

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

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = new JsonArray(new JsonArray(Padding.Height.Top, Padding.Height.Bottom), new JsonArray(Padding.Width.Left, Padding.Width.Right));
        c["data_format"] = DataFormat;
        return c;
    }
}
