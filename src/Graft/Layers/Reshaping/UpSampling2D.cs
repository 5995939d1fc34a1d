using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Repeats rows and columns (nearest-neighbour upsampling, Keras's <c>layers.UpSampling2D</c>).</summary>
public sealed class UpSampling2D : Layer
{
    /// <param name="size">Factors: one for both axes, or (rows, columns); default 2.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="interpolation">"nearest" (bilinear is not supported yet).</param>
    /// <param name="name">Layer name.</param>
    public UpSampling2D(IntTuple? size = null, string dataFormat = "channels_last", string interpolation = "nearest", string? name = null) : base(name)
    {
        var factors = (size ?? 2).PerAxis(2, 2, "UpSampling2D", "size");
        Size = (factors[0], factors[1]);
        if (Size.Rows <= 0 || Size.Cols <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling2D: expected factors >= 1, got {Size}.");
        if (interpolation != "nearest") throw new NotSupportedException($"UpSampling2D: interpolation '{interpolation}' is not supported by Graft; use 'nearest'.");
        DataFormat = dataFormat;
        Interpolation = interpolation;
    }

    /// <summary>(rows, columns) factors.</summary>
    public (int Rows, int Cols) Size { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>"nearest".</summary>
    public string Interpolation { get; }
    private int H => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {x.Shape}.");
        var rows = Enumerable.Range(0, x.Shape[H] * Size.Rows).Select(i => i / Size.Rows).ToArray();
        var cols = Enumerable.Range(0, x.Shape[H + 1] * Size.Cols).Select(i => i / Size.Cols).ToArray();
        return Ops.Gather(Ops.Gather(x, rows, H), cols, H + 1);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 4);
        var r = (int?[])s.Clone();
        r[H] = ShapeRules.Dim(this, (long?)s[H] * Size.Rows, s, $"size {Size}");
        r[H + 1] = ShapeRules.Dim(this, (long?)s[H + 1] * Size.Cols, s, $"size {Size}");
        return r;
    }
}
