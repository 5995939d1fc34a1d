using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Crops a random (height, width) window of the images during training, one window for the whole
/// batch (Keras's <c>layers.RandomCrop</c>). At inference, and in training when an image is smaller
/// than the window, the largest centered window of the target's aspect ratio is cropped and resized
/// to (height, width) (bilinear), so the output shape never depends on the mode. Input: (batch, h,
/// w, channels) or one image, or channels first; output: the same with (height, width).
/// </summary>
/// <remarks>
/// Keras 2 and Keras 3's documentation center-crop at inference; Keras 3's code (<c>random_crop.py</c>)
/// returns the input unchanged there, a known bug (keras-team/keras#21868) that would give
/// validation a different shape from training. Graft follows the documented behaviour, and crops at
/// random whenever the image is at least the window's size (Keras 2's rule).
/// </remarks>
public sealed class RandomCrop : Layer
{
    private readonly Generator _generator;

    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="seed">Seed for repeatable crops; null draws one from the current context's generator (Keras also fixes one, so the config always holds a seed).</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="inputShape">Shape of one image, as Keras's <c>input_shape</c>.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The data format is unknown.</exception>
    public RandomCrop(int height, int width, long? seed = null, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(height < 1 ? nameof(height) : nameof(width), $"{Describe()}: expected a height and width of at least 1, got {height}x{width}.");
        Height = height; Width = width;
        DataFormat = ImageLayout.DataFormat(dataFormat, Describe());
        Seed = seed ?? GraftContext.Current.Generator.NextInt(int.MaxValue);
        _generator = new Generator(Seed);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }
    /// <summary>Output width.</summary>
    public int Width { get; }
    /// <summary>The seed (drawn at construction when none was given).</summary>
    public long Seed { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var (images, single) = ImageLayout.ToBatchedChannelsLast(x, DataFormat, Describe());
        int h = images.Shape[1], w = images.Shape[2];
        Tensor y;
        if (training && h >= Height && w >= Width)
        {
            // Keras: int(uniform(0, size − crop + 1)), the rows' offset drawn first.
            int top = Math.Min((int)(_generator.NextFloat() * (h - Height + 1)), h - Height);
            int left = Math.Min((int)(_generator.NextFloat() * (w - Width + 1)), w - Width);
            y = ImageLayout.Crop(images, top, left, Height, Width);
        }
        else y = ImageLayout.SmartResize(images, Height, Width, "bilinear");
        return ImageLayout.FromBatchedChannelsLast(y, single, DataFormat);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => ImageLayout.WithSpatial(inputShape, Height, Width, DataFormat, Describe());
}
