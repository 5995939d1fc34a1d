using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Zeros around volumes (Keras's <c>layers.ZeroPadding3D</c>): (batch, depth, height, width, channels).</summary>
public sealed class ZeroPadding3D : Layer
{
    /// <param name="padding">Cells of zeros: one integer for every side, (depth, height, width), or ((front, back), (top, bottom), (left, right)); default 1.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding3D(Margins3D? padding = null, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        Padding = padding ?? 1;
        if (Padding.PerAxis.Any(p => p.Before < 0 || p.After < 0)) throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding3D: expected non-negative padding, got {Padding}.");
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"ZeroPadding3D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
    }

    /// <summary>((front, back), (top, bottom), (left, right)).</summary>
    public Margins3D Padding { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int First => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        var pads = new (int, int)[5];
        for (int i = 0; i < 3; i++) pads[First + i] = Padding.PerAxis[i];
        return Ops.Pad(x, pads);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 5);
        var r = (int?[])s.Clone();
        for (int i = 0; i < 3; i++)
            r[First + i] = ShapeRules.Dim(this, s[First + i] + (long)Padding.PerAxis[i].Before + Padding.PerAxis[i].After, s, $"padding {Padding}");
        return r;
    }
}
