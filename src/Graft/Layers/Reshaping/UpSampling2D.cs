using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Enlarges images by whole factors (Keras's <c>layers.UpSampling2D</c>): repeated rows and columns, or interpolated.</summary>
public sealed class UpSampling2D : Layer
{
    /// <param name="size">Factors: one for both axes, or (rows, columns); default 2.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="interpolation">"nearest" (repeats), or "bilinear", "bicubic", "lanczos3", "lanczos5": a resize to the enlarged size with half-pixel centers, as Keras's <c>ops.image.resize</c>.</param>
    /// <param name="name">Layer name.</param>
    public UpSampling2D(IntTuple? size = null, string dataFormat = "channels_last", string interpolation = "nearest", string? name = null) : base(name)
    {
        var factors = (size ?? 2).PerAxis(2, 2, "UpSampling2D", "size");
        Size = (factors[0], factors[1]);
        if (Size.Rows <= 0 || Size.Cols <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"UpSampling2D: expected factors >= 1, got {Size}.");
        interpolation = interpolation.ToLowerInvariant();
        if (interpolation is not ("nearest" or "bilinear" or "bicubic" or "lanczos3" or "lanczos5"))
            throw new ArgumentException($"UpSampling2D: expected interpolation 'nearest', 'bilinear', 'bicubic', 'lanczos3' or 'lanczos5', got '{interpolation}'.");
        DataFormat = dataFormat is "channels_last" or "channels_first" ? dataFormat : throw new ArgumentException($"UpSampling2D: expected data_format channels_last or channels_first, got '{dataFormat}'.");
        Interpolation = interpolation;
    }

    /// <summary>(rows, columns) factors.</summary>
    public (int Rows, int Cols) Size { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>"nearest", "bilinear", "bicubic", "lanczos3" or "lanczos5".</summary>
    public string Interpolation { get; }
    private int H => DataFormat == "channels_first" ? 2 : 1;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {x.Shape}.");
        if (Interpolation != "nearest")
        {
            // Keras resizes channels-last images to the enlarged size (no antialiasing: it only enlarges).
            var images = H == 2 ? Ops.Permute(x, 0, 2, 3, 1) : x;
            var resized = Ops.Resize(images, images.Shape[1] * Size.Rows, images.Shape[2] * Size.Cols, Interpolation);
            return H == 2 ? Ops.Permute(resized, 0, 3, 1, 2) : resized;
        }
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
