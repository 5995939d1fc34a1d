using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Graft.Vision;

/// <summary>
/// Decodes a BMP, GIF (first frame), JPEG or PNG file with SkiaSharp into float pixel values 0..255,
/// height × width × channels, as TensorFlow's <c>decode_image(channels=…, expand_animations=False)</c>
/// gives them to Keras: no EXIF rotation, alpha dropped (not blended) for RGB.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The pixels of <paramref name="path"/> with 1 (grayscale), 3 (RGB) or 4 (RGBA) channels.</summary>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes, or it is truncated; the message names it.</exception>
    public static float[] Decode(string path, int channels, out int height, out int width)
    {
        var rented = DecodeRented(path, channels, out height, out width);
        try { return rented.AsSpan(0, height * width * channels).ToArray(); }
        finally { ArrayPool<float>.Shared.Return(rented); }
    }

    /// <summary>
    /// <see cref="Decode"/> into an array rented from <see cref="ArrayPool{T}.Shared"/>, at least
    /// height × width × channels long, which the caller returns: a folder of photos decodes without a
    /// large fresh array per image (each would be a large-object allocation, and the page faults and
    /// full collections they bring cost about as much as decoding).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes, or it is truncated; the message names it.</exception>
    public static float[] DecodeRented(string path, int channels, out int height, out int width)
    {
        using var codec = SKCodec.Create(path, out var created)
            ?? throw new InvalidDataException($"ImageDataset: expected a BMP, GIF, JPEG or PNG image in '{path}', got a file that cannot be decoded ({created}).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > 1L << 28)
            throw new InvalidDataException($"ImageDataset: expected an image of at most 2^28 pixels in '{path}', got {info.Width} x {info.Height}.");
        bool gray = info.ColorType == SKColorType.Gray8;
        var target = new SKImageInfo(info.Width, info.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var bytes = ArrayPool<byte>.Shared.Rent(target.BytesSize);
        try
        {
            var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            SKCodecResult result;
            try { result = codec.GetPixels(target, handle.AddrOfPinnedObject()); }
            finally { handle.Free(); }
            // Skia fills the missing rows of a truncated file and calls it IncompleteInput; TensorFlow refuses it.
            if (result != SKCodecResult.Success)
                throw new InvalidDataException($"ImageDataset: expected a complete image in '{path}', got {result} while decoding it.");
            height = info.Height;
            width = info.Width;
            var dst = ArrayPool<float>.Shared.Rent(height * width * channels);
            ToChannels(bytes, dst, height * width, gray ? 1 : 4, target.RowBytes, width, channels);
            return dst;
        }
        finally { ArrayPool<byte>.Shared.Return(bytes); }
    }

    /// <summary>
    /// Pixels with the requested channels: gray replicated to RGB, RGB to gray with the ITU-R 601 luma
    /// weights TensorFlow's rgb_to_grayscale uses, rounded to a byte as a decoder would.
    /// </summary>
    private static void ToChannels(byte[] src, float[] dst, int pixels, int srcChannels, int rowBytes, int width, int channels)
    {
        int height = pixels / width;
        for (int row = 0; row < height; row++)
        {
            int s = row * rowBytes, d = row * width * channels;
            if (srcChannels == 1)
                for (int col = 0; col < width; col++, s++)
                {
                    float g = src[s];
                    for (int c = 0; c < channels; c++) dst[d++] = c == 3 ? 255f : g;
                }
            else if (channels == 1)
                for (int col = 0; col < width; col++, s += 4)
                    dst[d++] = MathF.Round(0.2989f * src[s] + 0.5870f * src[s + 1] + 0.1140f * src[s + 2]);
            else if (channels == 3)
                for (int col = 0; col < width; col++, s += 4, d += 3)
                {
                    dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2];
                }
            else
                for (int i = 0; i < width * 4; i++) dst[d + i] = src[s + i];
        }
    }
}
