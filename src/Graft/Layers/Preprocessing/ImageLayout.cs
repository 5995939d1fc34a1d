using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// The image layers' common handling of layouts: a single image (rank 3) or a batch (rank 4), in
/// "channels_last" or "channels_first", brought to a batch in channels-last order and back.
/// </summary>
internal static class ImageLayout
{
    /// <summary>Validates a data format (Keras's <c>standardize_data_format</c>): null means "channels_last".</summary>
    public static string DataFormat(string? dataFormat, string subject) => dataFormat switch
    {
        null or "channels_last" => "channels_last",
        "channels_first" => "channels_first",
        _ => throw new ArgumentException($"{subject}: expected data_format \"channels_last\" or \"channels_first\", got \"{dataFormat}\"."),
    };

    /// <summary><paramref name="x"/> as (batch, height, width, channels), and whether it was a single image.</summary>
    /// <exception cref="ArgumentException">The input is not of rank 3 or 4.</exception>
    public static (Tensor Images, bool Single) ToBatchedChannelsLast(Tensor x, string dataFormat, string subject)
    {
        if (x.Rank is not (3 or 4))
            throw new ArgumentException($"{subject}: expected images of rank 3 (one image) or 4 (a batch), "
                + $"{(dataFormat == "channels_last" ? "(..., height, width, channels)" : "(..., channels, height, width)")}, got shape {x.Shape}.");
        bool single = x.Rank == 3;
        var y = single ? Ops.ExpandDims(x, 0) : x;
        if (dataFormat == "channels_first") y = Ops.Permute(y, 0, 2, 3, 1);
        return (y, single);
    }

    /// <summary>The inverse of <see cref="ToBatchedChannelsLast"/>.</summary>
    public static Tensor FromBatchedChannelsLast(Tensor y, bool single, string dataFormat)
    {
        if (dataFormat == "channels_first") y = Ops.Permute(y, 0, 3, 1, 2);
        return single ? Ops.Squeeze(y, 0) : y;
    }

    /// <summary>The (height, width) axes of a shape of this rank, batched or single.</summary>
    public static (int H, int W) SpatialAxes(int rank, string dataFormat) =>
        dataFormat == "channels_last" ? (rank - 3, rank - 2) : (rank - 2, rank - 1);

    /// <summary>A shape with its spatial dimensions replaced (Keras's <c>compute_output_shape</c> of the resizing layers).</summary>
    public static int?[] WithSpatial(int?[] inputShape, int height, int width, string dataFormat, string subject)
    {
        if (inputShape.Length is not (3 or 4))
            throw new ArgumentException($"{subject}: expected an input shape of rank 3 or 4, got {Layer.FormatShape(inputShape)}.");
        var (h, w) = SpatialAxes(inputShape.Length, dataFormat);
        var s = (int?[])inputShape.Clone();
        s[h] = height; s[w] = width;
        return s;
    }

    /// <summary>Validates a choice among Keras's options, naming the argument.</summary>
    public static string OneOf(string value, string[] options, string argument, string subject) =>
        Array.IndexOf(options, value) >= 0 ? value
        : throw new ArgumentException($"{subject}: expected {argument} in {{{string.Join(", ", options.Select(o => $"\"{o}\""))}}}, got \"{value}\".");

    /// <summary>Per-image uniform samples in [low, high) from the layer's generator.</summary>
    public static float[] Uniform(Generator generator, int count, float low, float high)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = low + (high - low) * generator.NextFloat();
        return v;
    }

    /// <summary>
    /// Applies per-image projective transforms, built by <paramref name="transforms"/> from (batch,
    /// height, width), to <paramref name="x"/> in any layout (the affine augmentation layers' call).
    /// </summary>
    public static Tensor Transform(Tensor x, string dataFormat, string subject, Func<int, int, int, float[]> transforms,
        string interpolation, string fillMode, float fillValue)
    {
        var (images, single) = ToBatchedChannelsLast(x, dataFormat, subject);
        var t = transforms(images.Shape[0], images.Shape[1], images.Shape[2]);
        var y = Ops.AffineTransform(images, t, interpolation, fillMode, fillValue);
        return FromBatchedChannelsLast(y, single, dataFormat);
    }

    /// <summary>
    /// The largest centered window of an (h, w) image with the aspect ratio of (th, tw), as Keras's
    /// <c>smart_resize</c> and <c>crop_to_aspect_ratio</c> compute it (in float32, truncating).
    /// </summary>
    public static (int Top, int Left, int Height, int Width) AspectWindow(int h, int w, int th, int tw)
    {
        int ch = Math.Max(Math.Min(h, (int)((float)w * th / tw)), 1);
        int cw = Math.Max(Math.Min(w, (int)((float)h * tw / th)), 1);
        return ((int)((float)(h - ch) / 2), (int)((float)(w - cw) / 2), ch, cw);
    }

    /// <summary>The window [top, top + height) × [left, left + width) of a (batch, height, width, channels) tensor.</summary>
    public static Tensor Crop(Tensor images, int top, int left, int height, int width) =>
        top == 0 && left == 0 && height == images.Shape[1] && width == images.Shape[2] ? images
        : Ops.Slice(images, [0, top, left, 0], [images.Shape[0], height, width, images.Shape[3]], [1, 1, 1, 1]);

    /// <summary>Keras's <c>smart_resize</c>: the centered window of the target's aspect ratio, resized to the target.</summary>
    public static Tensor SmartResize(Tensor images, int height, int width, string interpolation)
    {
        var (top, left, ch, cw) = AspectWindow(images.Shape[1], images.Shape[2], height, width);
        return Ops.Resize(Crop(images, top, left, ch, cw), height, width, interpolation);
    }
}
