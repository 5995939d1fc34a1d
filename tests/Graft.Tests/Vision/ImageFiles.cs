using SkiaSharp;

namespace Graft.Tests.Vision;

/// <summary>
/// Writes small test images: PNG and JPEG with SkiaSharp, BMP and GIF by hand (SkiaSharp encodes
/// neither). Pixels are gray bytes, row-major, height × width.
/// </summary>
public static class ImageFiles
{
    public static void Write(string path, byte[] gray, int height, int width, bool color = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".png": Skia(path, gray, height, width, color, SKEncodedImageFormat.Png, 100); break;
            case ".jpg" or ".jpeg": Skia(path, gray, height, width, color, SKEncodedImageFormat.Jpeg, 100); break;
            case ".bmp": Bmp(path, gray, height, width); break;
            case ".gif": Gif(path, gray, height, width); break;
            default: throw new ArgumentException($"ImageFiles: expected .png, .jpg, .bmp or .gif, got '{path}'.");
        }
    }

    /// <summary>Gray pixels, or with <paramref name="color"/> RGB pixels (r = gray, g = 255 - gray, b = gray / 2) to tell channels apart.</summary>
    private static void Skia(string path, byte[] gray, int height, int width, bool color, SKEncodedImageFormat format, int quality)
    {
        var info = color ? new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul) : new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var pixels = new byte[info.BytesSize];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte g = gray[y * width + x];
                if (!color) pixels[y * info.RowBytes + x] = g;
                else
                {
                    int at = y * info.RowBytes + 4 * x;
                    (pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]) = (g, (byte)(255 - g), (byte)(g / 2), 255);
                }
            }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>A 24-bit BMP: bottom-up rows of BGR, each padded to 4 bytes.</summary>
    private static void Bmp(string path, byte[] gray, int height, int width)
    {
        int row = (3 * width + 3) / 4 * 4, size = 54 + row * height;
        using var w = new BinaryWriter(File.Create(path));
        w.Write((byte)'B'); w.Write((byte)'M'); w.Write(size); w.Write(0); w.Write(54);
        w.Write(40); w.Write(width); w.Write(height); w.Write((short)1); w.Write((short)24); w.Write(0); w.Write(row * height);
        w.Write(2835); w.Write(2835); w.Write(0); w.Write(0);
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = 0; x < width; x++) { byte g = gray[y * width + x]; w.Write(g); w.Write(g); w.Write(g); }
            for (int p = 3 * width; p < row; p++) w.Write((byte)0);
        }
    }

    /// <summary>
    /// A GIF with a 256-gray palette. Its LZW stream sends only literal 9-bit codes and a clear code
    /// before the table would need 10 bits: valid, if not compressed.
    /// </summary>
    private static void Gif(string path, byte[] gray, int height, int width)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("GIF89a"u8.ToArray());
        w.Write((short)width); w.Write((short)height); w.Write((byte)0xF7); w.Write((byte)0); w.Write((byte)0);
        for (int i = 0; i < 256; i++) { w.Write((byte)i); w.Write((byte)i); w.Write((byte)i); }
        w.Write((byte)0x2C); w.Write((short)0); w.Write((short)0); w.Write((short)width); w.Write((short)height); w.Write((byte)0);
        w.Write((byte)8);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits; bits += 9;
            while (bits >= 8) { bytes.Add((byte)buffer); buffer >>= 8; bits -= 8; }
        }
        Emit(256);
        for (int i = 0; i < gray.Length; i++)
        {
            if (i > 0 && i % 254 == 0) Emit(256);
            Emit(gray[i]);
        }
        Emit(257);
        if (bits > 0) bytes.Add((byte)buffer);
        for (int at = 0; at < bytes.Count; at += 255)
        {
            int n = Math.Min(255, bytes.Count - at);
            w.Write((byte)n);
            w.Write(bytes.GetRange(at, n).ToArray());
        }
        w.Write((byte)0); w.Write((byte)0x3B);
    }
}
