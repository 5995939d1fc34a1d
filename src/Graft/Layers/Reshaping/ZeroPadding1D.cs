using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Zero steps at the start and end of sequences (Keras's <c>layers.ZeroPadding1D</c>): (batch, steps, features).</summary>
public sealed class ZeroPadding1D : Layer
{
    /// <param name="padding">Steps of zeros: one integer for both ends, or (start, end); default 1.</param>
    /// <param name="dataFormat">"channels_last" (batch, steps, features) or "channels_first" (batch, features, steps).</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding1D(IntTuple? padding = null, string dataFormat = "channels_last", string? name = null) : base(name)
    {
        var p = (padding ?? 1).PerAxis(2, 1, "ZeroPadding1D", "padding");
        if (p[0] < 0 || p[1] < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding1D: expected non-negative padding, got ({p[0]}, {p[1]}).");
        Padding = (p[0], p[1]);
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"ZeroPadding1D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
    }

    /// <summary>(start, end).</summary>
    public (int Start, int End) Padding { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    private int Axis => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {x.Shape}.");
        var pads = new (int, int)[3];
        pads[Axis] = Padding;
        return Ops.Pad(x, pads);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        var r = (int?[])s.Clone();
        r[Axis] = ShapeRules.Dim(this, s[Axis] + (long)Padding.Start + Padding.End, s, $"padding {Padding}");
        return r;
    }
}
