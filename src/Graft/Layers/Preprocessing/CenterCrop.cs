using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Crops the central (height, width) window of each image, in training and at inference (Keras's
/// <c>layers.CenterCrop</c>); an image smaller than the window on either side is instead cropped to
/// the window's aspect ratio and resized to it (bilinear), as Keras's <c>smart_resize</c>. Input:
/// (batch, h, w, channels) or one image, or channels first; output: the same with (height, width).
/// </summary>
public sealed class CenterCrop : Layer
{
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The data format is unknown.</exception>
    public CenterCrop(int height, int width, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(height < 1 ? nameof(height) : nameof(width), $"{Describe()}: expected a height and width of at least 1, got {height}x{width}.");
        Height = height; Width = width;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
    }

    /// <summary>Output height.</summary>
    public int Height { get; }
    /// <summary>Output width.</summary>
    public int Width { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int h = images.Shape[1], w = images.Shape[2];
        var y = h >= Height && w >= Width
            ? ImageLayout.Crop(images, (h - Height) / 2, (w - Width) / 2, Height, Width)
            : ImageLayout.SmartResize(images, Height, Width, "bilinear");
        return ImageLayout.FromBatchedChannelsLast(y, single, DataFormat);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => ImageLayout.WithSpatial(inputShape, Height, Width, DataFormat, Describe());
}
