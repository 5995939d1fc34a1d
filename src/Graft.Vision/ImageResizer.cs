using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Vision;

/// <summary>
/// Brings a decoded image to the dataset's size as Keras does: <c>tf.image.resize</c> (Graft's
/// <see cref="Ops.Resize"/>, half-pixel centres, no antialiasing), after the centred crop of
/// <c>smart_resize</c> when the aspect ratio is to be kept.
/// </summary>
internal static class ImageResizer
{
    /// <summary>The interpolations <c>image_dataset_from_directory</c> takes that Graft has.</summary>
    public static readonly string[] Methods = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"];

    /// <summary>The crop Keras's <c>smart_resize</c> takes: the largest centred window with the target's aspect ratio.</summary>
    public static (int Top, int Left, int Height, int Width) CropToAspect(int height, int width, int targetHeight, int targetWidth)
    {
        int cropHeight = Math.Max(Math.Min(height, (int)((double)width * targetHeight / targetWidth)), 1);
        int cropWidth = Math.Max(Math.Min(width, (int)((double)height * targetWidth / targetHeight)), 1);
        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    /// <summary>
    /// The image (height × width × channels pixels, optionally cropped first) as a tensor of
    /// (outH, outW, channels), allocated outside any <see cref="TensorScope"/>.
    /// </summary>
    public static Tensor ToTensor(float[] pixels, int height, int width, int channels, bool crop, int outH, int outW, string method)
    {
        var (top, left, h, w) = crop ? CropToAspect(height, width, outH, outW) : (0, 0, height, width);
        if (h != height || w != width)
        {
            var window = new float[h * w * channels];
            for (int y = 0; y < h; y++)
                Array.Copy(pixels, ((top + y) * width + left) * channels, window, y * w * channels, w * channels);
            pixels = window;
        }
        using (TensorScope.Suspend())
        using (GradMode.NoGrad())
        {
            var image = Tensor.FromArray(pixels, 1, h, w, channels);
            return Ops.Reshape(Ops.Resize(image, outH, outW, method), outH, outW, channels);
        }
    }
}
