using System.Buffers;
using System.Runtime.InteropServices;
using Graft.Autograd;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Vision;
using SkiaSharp;

namespace Graft.Tests.Vision;

/// <summary>
/// Decoding: JPEGs through the system's libjpeg-turbo give SkiaSharp's bytes exactly, files it leaves
/// alone (truncated, not JPEG) still go through SkiaSharp, and every format and colour mode through
/// the byte path gives the tensor of decoding to floats and resizing those as before.
/// </summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("graft-decode").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Noisy gradients (JPEG's hard case: many nonzero coefficients), as a JPEG written with SkiaSharp.</summary>
    private string Jpeg(string name, int height, int width, SKJpegEncoderDownsample downsample, bool gray, SKColorSpace? colorSpace = null)
    {
        var random = new Random(height * 1000 + width);
        var info = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul, colorSpace);
        var pixels = new byte[info.BytesSize];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int noise = random.Next(48);
                if (gray) pixels[y * info.RowBytes + x] = (byte)(x * 200 / width + noise);
                else
                {
                    int at = y * info.RowBytes + 4 * x;
                    (pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]) = ((byte)(x * 200 / width + noise), (byte)(y * 200 / height + noise), (byte)random.Next(256), 255);
                }
            }
        using var bitmap = new SKBitmap(info);
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(90, downsample, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp wrote no JPEG.");
        string path = Path.Combine(_root, name + ".jpg");
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static byte[] Decode(string path, int channels, bool systemJpeg, out int height, out int width)
    {
        var rented = ImageDecoder.DecodeRented(path, channels, out height, out width, systemJpeg);
        try { return rented[..(height * width * channels)]; }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    [SystemJpegTheory]
    [InlineData(375, 500, SKJpegEncoderDownsample.Downsample420, false)]
    [InlineData(29, 37, SKJpegEncoderDownsample.Downsample420, false)]   // sizes not a multiple of the 16 × 16 blocks
    [InlineData(31, 17, SKJpegEncoderDownsample.Downsample422, false)]
    [InlineData(13, 41, SKJpegEncoderDownsample.Downsample444, false)]
    [InlineData(1, 1, SKJpegEncoderDownsample.Downsample420, false)]
    [InlineData(23, 19, SKJpegEncoderDownsample.Downsample420, true)]
    public void SystemJpegDecodesAsSkiaSharpDoesInEveryColorMode(int height, int width, SKJpegEncoderDownsample downsample, bool gray)
    {
        string path = Jpeg($"{height}x{width}_{downsample}_{gray}", height, width, downsample, gray);
        if (TurboJpeg.IsAvailable)
        {
            Assert.True(TurboJpeg.TryDecode(File.ReadAllBytes(path), 3, 1L << 28, out var pixels, out _, out _), "the system's decoder took the file");
            ArrayPool<byte>.Shared.Return(pixels);
        }
        foreach (int channels in new[] { 1, 3, 4 })
        {
            var fast = Decode(path, channels, systemJpeg: true, out int h, out int w);
            var skia = Decode(path, channels, systemJpeg: false, out int sh, out int sw);
            Assert.Equal((height, width), (h, w));
            Assert.Equal((sh, sw), (h, w));
            Assert.Equal(skia, fast);
        }
    }

    [SystemJpegTheory]
    [InlineData("progressive_422.jpg")]
    [InlineData("arithmetic_420.jpg")]
    [InlineData("restart_444.jpg")]
    [InlineData("progressive_gray.jpg")]
    public void JpegVariantsSkiaSharpCannotWriteDecodeAlikeToo(string name)
    {
        string path = Path.Combine(RepositoryData.Root, "tests", "Graft.Tests", "Fixtures", "jpeg", name);
        if (TurboJpeg.IsAvailable)
        {
            Assert.True(TurboJpeg.TryDecode(File.ReadAllBytes(path), 3, 1L << 28, out var pixels, out _, out _), "the system's decoder took the file");
            ArrayPool<byte>.Shared.Return(pixels);
        }
        foreach (int channels in new[] { 1, 3, 4 })
        {
            var fast = Decode(path, channels, systemJpeg: true, out int h, out int w);
            var skia = Decode(path, channels, systemJpeg: false, out _, out _);
            Assert.Equal((47, 61), (h, w));
            Assert.Equal(skia, fast);
        }
    }

    [SystemJpegFact]
    public void AJpegWithAnIccProfileIsNotColorConvertedByEitherDecoder()
    {
        // SkiaSharp writes the image's colour space into the file as an ICC profile.
        var displayP3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        string path = Jpeg("p3", 21, 34, SKJpegEncoderDownsample.Downsample420, gray: false, displayP3);
        using (var codec = SKCodec.Create(path)) Assert.False(codec.Info.ColorSpace?.IsSrgb ?? true);
        var fast = Decode(path, 3, systemJpeg: true, out _, out _);
        var skia = Decode(path, 3, systemJpeg: false, out _, out _);
        Assert.Equal(skia, fast);
        // And SkiaSharp asked for sRGB would have converted: the test can tell the difference.
        using var converting = SKCodec.Create(path);
        var srgb = new SKImageInfo(34, 21, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb());
        var converted = new byte[srgb.BytesSize];
        unsafe
        {
            fixed (byte* target = converted) Assert.Equal(SKCodecResult.Success, converting.GetPixels(srgb, (nint)target));
        }
        Assert.NotEqual(skia, converted.Where((_, i) => i % 4 != 3).ToArray());
    }

    [Fact]
    public void ATruncatedJpegIsLeftToSkiaSharpAndRefused()
    {
        string whole = Jpeg("whole", 64, 64, SKJpegEncoderDownsample.Downsample420, gray: false);
        var bytes = File.ReadAllBytes(whole);
        string path = Path.Combine(_root, "truncated.jpg");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.False(TurboJpeg.TryDecode(File.ReadAllBytes(path), 3, 1L << 28, out _, out _, out _));
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.DecodeRented(path, 3, out _, out _));
        Assert.Contains(path, error.Message);
        Assert.Contains("IncompleteInput", error.Message);
    }

    [Theory]
    [InlineData(".png", false)]
    [InlineData(".png", true)]
    [InlineData(".gif", false)]
    [InlineData(".bmp", false)]
    [InlineData(".jpg", false)]
    [InlineData(".jpg", true)]
    public void EveryFormatAndColorModeGivesTheTensorOfResizingItsFloats(string extension, bool color)
    {
        var random = new Random(3);
        var gray = new byte[30 * 41];
        random.NextBytes(gray);
        string path = Path.Combine(_root, $"image_{color}{extension}");
        ImageFiles.Write(path, gray, 30, 41, color);
        foreach (var (mode, channels) in new[] { ("grayscale", 1), ("rgb", 3), ("rgba", 4) })
            foreach (var (outH, outW, method, crop) in new[] { (17, 23, "bilinear", false), (30, 41, "bilinear", false), (45, 20, "bicubic", true) })
            {
                var actual = ImageUtils.LoadImage(path, mode, (outH, outW), method, crop);
                // The pixels as floats, resized by Ops.Resize (tf.image.resize) after the same crop.
                var pixels = Decode(path, channels, systemJpeg: false, out int h, out int w);
                var (top, left, ch, cw) = crop ? ImageResizer.CropToAspect(h, w, outH, outW) : (0, 0, h, w);
                var window = new float[ch * cw * channels];
                for (int y = 0; y < ch; y++)
                    for (int x = 0; x < cw * channels; x++) window[y * cw * channels + x] = pixels[((top + y) * w + left) * channels + x];
                Tensor expected;
                using (GradMode.NoGrad()) expected = Ops.Resize(Tensor.FromArray(window, 1, ch, cw, channels), outH, outW, method);
                Assert.Equal([outH, outW, channels], actual.Shape.ToArray());
                Assert.Equal(expected.ToArray(), actual.ToArray());
            }
    }
}
