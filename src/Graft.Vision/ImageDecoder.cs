using System.Buffers;
using SkiaSharp;

namespace Graft.Vision;

/// <summary>
/// Decodes a BMP, GIF (first frame), JPEG or PNG file with SkiaSharp into pixel bytes,
/// height × width × channels, as TensorFlow's <c>decode_image(channels=…, expand_animations=False)</c>
/// gives them to Keras: no EXIF rotation, no colour-space conversion, alpha dropped (not blended) for RGB.
/// JPEGs go through the system's libjpeg-turbo instead where it is installed and gives the same bytes
/// (<see cref="TurboJpeg"/>).
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The most pixels an image may have (2^28).</summary>
    private const long MaxPixels = 1L << 28;

    /// <summary>
    /// The pixels of <paramref name="path"/> with 1 (grayscale), 3 (RGB) or 4 (RGBA) channels, in an
    /// array rented from <see cref="ArrayPool{T}.Shared"/>, at least height × width × channels long,
    /// which the caller returns: a folder of photos decodes without a large fresh array per image
    /// (each would be a large-object allocation, and the page faults and full collections they bring
    /// cost about as much as decoding).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="channels">1, 3 or 4.</param>
    /// <param name="height">The image's height.</param>
    /// <param name="width">The image's width.</param>
    /// <param name="systemJpeg">Whether a JPEG may go through the system's libjpeg-turbo (false: SkiaSharp only; tests compare the two).</param>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes, or it is truncated; the message names it.</exception>
    public static byte[] DecodeRented(string path, int channels, out int height, out int width, bool systemJpeg = true)
    {
        if (systemJpeg && TurboJpeg.IsAvailable && ReadJpegRented(path, out int length) is { } file)
        {
            try
            {
                if (TurboJpeg.TryDecode(file.AsSpan(0, length), channels, MaxPixels, out var pixels, out height, out width)) return pixels;
            }
            finally { ArrayPool<byte>.Shared.Return(file); }
        }
        return DecodeWithSkia(path, channels, out height, out width);
    }

    /// <summary>
    /// The whole file in a rented array if it starts with JPEG's SOI marker (the test SkiaSharp sniffs
    /// with, whatever the extension); null for any other file, or one that cannot be read, which
    /// SkiaSharp then decodes or reports as it always has.
    /// </summary>
    private static byte[]? ReadJpegRented(string path, out int length)
    {
        length = 0;
        try
        {
            using var handle = File.OpenHandle(path);
            long size = RandomAccess.GetLength(handle);
            Span<byte> marker = stackalloc byte[3];
            if (size < 3 || size > Array.MaxLength || RandomAccess.Read(handle, marker, 0) < 3 || marker[0] != 0xFF || marker[1] != 0xD8 || marker[2] != 0xFF)
                return null;
            var buffer = ArrayPool<byte>.Shared.Rent((int)size);
            try
            {
                while (length < size)
                {
                    int read = RandomAccess.Read(handle, buffer.AsSpan(length, (int)size - length), length);
                    if (read == 0) break;
                    length += read;
                }
                return buffer;
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>SkiaSharp's decode of the file.</summary>
    private static byte[] DecodeWithSkia(string path, int channels, out int height, out int width)
    {
        using var codec = SKCodec.Create(path, out var created)
            ?? throw new InvalidDataException($"ImageDataset: expected a BMP, GIF, JPEG or PNG image in '{path}', got a file that cannot be decoded ({created}).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels)
            throw new InvalidDataException($"ImageDataset: expected an image of at most 2^28 pixels in '{path}', got {info.Width} x {info.Height}.");
        bool gray = info.ColorType == SKColorType.Gray8;
        // No colour space on the target: Skia then converts none, as TensorFlow's decoders do not.
        var target = new SKImageInfo(info.Width, info.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var bytes = ArrayPool<byte>.Shared.Rent(target.BytesSize);
        bool keep = false;
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* pixels = bytes) result = codec.GetPixels(target, (nint)pixels);
            }
            // Skia fills the missing rows of a truncated file and calls it IncompleteInput; TensorFlow refuses it.
            if (result != SKCodecResult.Success)
                throw new InvalidDataException($"ImageDataset: expected a complete image in '{path}', got {result} while decoding it.");
            height = info.Height;
            width = info.Width;
            int decoded = gray ? 1 : 4;
            if (decoded == channels && target.RowBytes == width * channels)
            {
                keep = true;
                return bytes;
            }
            return ToChannels(bytes, height * width, decoded, target.RowBytes, width, channels);
        }
        finally { if (!keep) ArrayPool<byte>.Shared.Return(bytes); }
    }

    /// <summary>
    /// Decoded pixels (1 channel, gray; 3, RGB; or 4, RGBA; rows <paramref name="rowBytes"/> apart)
    /// with the requested channels, packed, in a rented array: gray replicated to RGB (alpha 255),
    /// RGB to gray with the ITU-R 601 luma weights TensorFlow's rgb_to_grayscale uses, rounded to a
    /// byte as a decoder would, alpha dropped or added as 255.
    /// </summary>
    internal static byte[] ToChannels(byte[] src, int pixels, int srcChannels, int rowBytes, int width, int channels)
    {
        var dst = ArrayPool<byte>.Shared.Rent(pixels * channels);
        int height = pixels / width;
        for (int row = 0; row < height; row++)
        {
            int s = row * rowBytes, d = row * width * channels;
            if (srcChannels == channels)
                Array.Copy(src, s, dst, d, width * channels);
            else if (srcChannels == 1)
                for (int col = 0; col < width; col++, s++)
                {
                    byte g = src[s];
                    for (int c = 0; c < channels; c++) dst[d++] = c == 3 ? (byte)255 : g;
                }
            else if (channels == 1)
                for (int col = 0; col < width; col++, s += srcChannels)
                    dst[d++] = (byte)MathF.Round(0.2989f * src[s] + 0.5870f * src[s + 1] + 0.1140f * src[s + 2]);
            else
                for (int col = 0; col < width; col++, s += srcChannels, d += channels)
                {
                    dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2];
                    if (channels == 4) dst[d + 3] = 255;
                }
        }
        return dst;
    }
}
