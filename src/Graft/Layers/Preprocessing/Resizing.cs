using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Resizes images to (height, width), in training and at inference (Keras's <c>layers.Resizing</c>).
/// Input: (batch, h, w, channels) or one image (h, w, channels), or channels first; output: the same
/// with (height, width). Differentiable, as in Keras.
/// </summary>
public sealed class Resizing : Layer
{
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="interpolation">"bilinear" (default), "nearest", "bicubic", "area", "lanczos3" or "lanczos5" (half-pixel centers, as TensorFlow's <c>tf.image.resize</c>).</param>
    /// <param name="cropToAspectRatio">Crop the largest centered window of the target's aspect ratio before resizing, so nothing is stretched.</param>
    /// <param name="padToAspectRatio">Pad the short side evenly with <paramref name="fillValue"/> to the target's aspect ratio before resizing.</param>
    /// <param name="fillMode">How padding is filled: only "constant", as in Keras.</param>
    /// <param name="fillValue">The padding value.</param>
    /// <param name="antialias">Widen the bilinear, bicubic and Lanczos filters when downscaling, so every input pixel contributes.</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">An option is unknown, or both aspect-ratio options are set.</exception>
    public Resizing(int height, int width, string interpolation = "bilinear", bool cropToAspectRatio = false, bool padToAspectRatio = false,
        string fillMode = "constant", double fillValue = 0, bool antialias = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(height < 1 ? nameof(height) : nameof(width), $"{Describe()}: expected a height and width of at least 1, got {height}x{width}.");
        if (cropToAspectRatio && padToAspectRatio)
            throw new ArgumentException($"{Describe()}: expected at most one of crop_to_aspect_ratio and pad_to_aspect_ratio, got both.");
        Height = height; Width = width;
        Interpolation = ImageLayout.OneOf(interpolation, ImageSampling.ResizeInterpolations, "interpolation", Describe());
        CropToAspectRatio = cropToAspectRatio; PadToAspectRatio = padToAspectRatio;
        FillMode = ImageLayout.OneOf(fillMode, ["constant"], "fill_mode", Describe());
        FillValue = (float)fillValue; Antialias = antialias;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
    }

    /// <summary>Output height.</summary>
    public int Height { get; }
    /// <summary>Output width.</summary>
    public int Width { get; }
    /// <summary>The interpolation.</summary>
    public string Interpolation { get; }
    /// <summary>Whether the input is cropped to the target's aspect ratio first.</summary>
    public bool CropToAspectRatio { get; }
    /// <summary>Whether the input is padded to the target's aspect ratio first.</summary>
    public bool PadToAspectRatio { get; }
    /// <summary>"constant".</summary>
    public string FillMode { get; }
    /// <summary>The padding value.</summary>
    public float FillValue { get; }
    /// <summary>Whether downscaling filters are widened.</summary>
    public bool Antialias { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int h = images.Shape[1], w = images.Shape[2];
        if (CropToAspectRatio)
        {
            var (top, left, ch, cw) = ImageLayout.AspectWindow(h, w, Height, Width);
            images = ImageLayout.Crop(images, top, left, ch, cw);
        }
        else if (PadToAspectRatio) images = Pad(images);
        var y = Ops.Resize(images, Height, Width, Interpolation, Antialias);
        return ImageLayout.FromBatchedChannelsLast(y, single, DataFormat);
    }

    /// <summary>
    /// Keras's padding to the target's aspect ratio (TensorFlow backend): the short side gets
    /// int((padded − size) / 2) rows or columns of the fill value on each side.
    /// </summary>
    private Tensor Pad(Tensor images)
    {
        int h = images.Shape[1], w = images.Shape[2];
        int padH = Math.Max(h, (int)((float)w * Height / Width)), padW = Math.Max(w, (int)((float)h * Width / Height));
        int top = (int)((float)(padH - h) / 2), left = (int)((float)(padW - w) / 2);
        if (top == 0 && left == 0) return images;
        var y = Ops.Pad(images, [(0, 0), (top, top), (left, left), (0, 0)]);
        if (FillValue == 0f) return y;
        int ph = h + 2 * top, pw = w + 2 * left;
        var border = new float[ph * pw];
        for (int i = 0; i < ph; i++)
            for (int j = 0; j < pw; j++)
                if (i < top || i >= top + h || j < left || j >= left + w) border[i * pw + j] = FillValue;
        return Ops.Add(y, Tensor.FromArray(border, 1, ph, pw, 1));   // the image's pixels get + 0, exactly
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => ImageLayout.WithSpatial(inputShape, Height, Width, DataFormat, Describe());
}
