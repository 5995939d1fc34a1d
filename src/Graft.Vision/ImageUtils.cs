using Graft.Tensors;

namespace Graft.Vision;

/// <summary>Single images from files, prepared exactly as <see cref="ImageDataset.FromDirectory"/> prepares them.</summary>
public static class ImageUtils
{
    /// <summary>
    /// Decodes one image and resizes it as <see cref="ImageDataset.FromDirectory"/> does (TensorFlow's
    /// resize, not PIL's), so a model sees at prediction the pixels it was trained on: Keras's
    /// <c>img_to_array(load_img(path, color_mode, target_size))</c> with the dataset's resizing.
    /// </summary>
    /// <param name="path">A BMP, GIF (first frame), JPEG or PNG file.</param>
    /// <param name="colorMode">"rgb" (3 channels), "grayscale" (1) or "rgba" (4).</param>
    /// <param name="targetSize">(height, width) to resize to; null keeps the file's size.</param>
    /// <param name="interpolation">As for <see cref="ImageDataset.FromDirectory"/>: "bilinear" (default), "nearest", "bicubic", "area", "lanczos3" or "lanczos5".</param>
    /// <param name="cropToAspectRatio">Crop the largest centred window with the target's aspect ratio before resizing.</param>
    /// <returns>Float pixels 0..255 of shape (height, width, channels).</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes; the message names it.</exception>
    /// <exception cref="ArgumentException">An unknown color mode or interpolation, or a size that is not positive.</exception>
    public static Tensor LoadImage(string path, string colorMode = "rgb", (int Height, int Width)? targetSize = null, string interpolation = "bilinear",
        bool cropToAspectRatio = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        int channels = colorMode switch
        {
            "rgb" => 3,
            "rgba" => 4,
            "grayscale" => 1,
            _ => throw new ArgumentException($"ImageUtils.LoadImage: expected colorMode \"rgb\", \"rgba\" or \"grayscale\", got \"{colorMode}\".", nameof(colorMode)),
        };
        interpolation = interpolation.ToLowerInvariant();
        if (!ImageResizer.Methods.Contains(interpolation))
            throw new ArgumentException($"ImageUtils.LoadImage: expected interpolation one of {string.Join(", ", ImageResizer.Methods)}, got \"{interpolation}\".", nameof(interpolation));
        if (targetSize is { } t && (t.Height <= 0 || t.Width <= 0))
            throw new ArgumentOutOfRangeException(nameof(targetSize), $"ImageUtils.LoadImage: expected a positive size (height, width), got ({t.Height}, {t.Width}).");
        if (!File.Exists(path)) throw new FileNotFoundException($"ImageUtils.LoadImage: expected an image file, got '{path}', which does not exist.", path);
        var pixels = ImageDecoder.DecodeRented(path, channels, out int h, out int w);
        try
        {
            var (outH, outW) = targetSize ?? (h, w);
            return ImageResizer.ToTensor(pixels, h, w, channels, cropToAspectRatio, outH, outW, interpolation);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(pixels); }
    }

    /// <summary>Whether <paramref name="path"/> has an image extension <see cref="ImageDataset.FromDirectory"/> reads (.bmp, .gif, .jpeg, .jpg, .png).</summary>
    public static bool IsImageFile(string path) => ImageFormats.Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
