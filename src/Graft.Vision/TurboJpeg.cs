using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Graft.Vision;

/// <summary>
/// JPEG decoding through the system's libjpeg-turbo (its TurboJPEG library, Debian's <c>libturbojpeg0</c>),
/// when it is installed and gives SkiaSharp's pixels exactly. SkiaSharp's own copy of libjpeg-turbo is
/// built without its SIMD code, so a photo decodes in about 1.6 times the time there; the system's is
/// the same decoder (accurate integer IDCT, fancy upsampling) with SIMD, whose results libjpeg-turbo
/// keeps bit for bit equal to its plain C code. Rather than trust the version installed, the first use
/// decodes a few small JPEGs (4:2:0, 4:2:2 and 4:4:4 chroma, grayscale) both ways, and the library is
/// used only when every pixel agrees. Anything unusual (another colour space than YCbCr or gray, a
/// warning such as corrupt or truncated data, an error) is left to SkiaSharp, so that what is refused
/// or accepted, and every message, stays SkiaSharp's.
/// </summary>
internal static unsafe class TurboJpeg
{
    private const int PixelRgb = 0, PixelGray = 6, PixelRgba = 7;
    private const int ColorSpaceYCbCr = 1, ColorSpaceGray = 2;

    private static readonly Lazy<bool> s_available = new(Load);
    private static readonly ConcurrentBag<nint> s_handles = [];

    // The TurboJPEG 2.x API (also in 3.x), bound when the library loads: tjInitDecompress,
    // tjDecompressHeader3 and tjDecompress2. "unsigned long" sizes are CULong, the platform's C long.
    private static delegate* unmanaged<nint> s_init;
    private static delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int> s_header;
    private static delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int> s_decompress;

    /// <summary>Whether the system's TurboJPEG library is loaded and decodes as SkiaSharp does.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>
    /// Decodes a baseline or progressive YCbCr or grayscale JPEG to packed pixels with
    /// <paramref name="channels"/> channels, as SkiaSharp and <see cref="ImageDecoder"/> would;
    /// false (and nothing decoded) for anything else, which SkiaSharp then decodes.
    /// </summary>
    /// <param name="jpeg">The whole file.</param>
    /// <param name="channels">1 (grayscale), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="maxPixels">Images larger than this are left to SkiaSharp's path, which refuses them.</param>
    /// <param name="pixels">Rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>: height × width × channels bytes.</param>
    /// <param name="height">The image's height.</param>
    /// <param name="width">The image's width.</param>
    public static bool TryDecode(ReadOnlySpan<byte> jpeg, int channels, long maxPixels, out byte[] pixels, out int height, out int width)
    {
        (pixels, height, width) = (null!, 0, 0);
        // libjpeg's SOI marker, the test SkiaSharp's codec sniffs with.
        if (jpeg.Length < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF || !IsAvailable) return false;
        return Decode(jpeg, channels, maxPixels, out pixels, out height, out width);
    }

    private static bool Decode(ReadOnlySpan<byte> jpeg, int channels, long maxPixels, out byte[] pixels, out int height, out int width)
    {
        (pixels, height, width) = (null!, 0, 0);
        if (!s_handles.TryTake(out nint handle) && (handle = s_init()) == 0) return false;
        try
        {
            fixed (byte* source = jpeg)
            {
                var size = new CULong((nuint)jpeg.Length);
                int w, h, subsampling, colorSpace;
                if (s_header(handle, source, size, &w, &h, &subsampling, &colorSpace) != 0) return false;
                if (w <= 0 || h <= 0 || (long)w * h > maxPixels) return false;
                bool gray = colorSpace == ColorSpaceGray;
                if (!gray && colorSpace != ColorSpaceYCbCr) return false;
                // The decoder writes the file's own channels (gray, or RGB/RGBA); other counts are converted after.
                int format = gray ? PixelGray : channels == 4 ? PixelRgba : PixelRgb;
                int decoded = gray ? 1 : channels == 4 ? 4 : 3;
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(h * w * decoded);
                int result;
                fixed (byte* target = buffer) result = s_decompress(handle, source, size, target, w, w * decoded, h, format, 0);
                // Nonzero is an error or a warning (corrupt data, a truncated file): SkiaSharp's path decides those.
                if (result != 0)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    return false;
                }
                (height, width) = (h, w);
                pixels = decoded == channels ? buffer : ImageDecoder.ToChannels(buffer, h * w, decoded, w * decoded, w, channels);
                if (!ReferenceEquals(pixels, buffer)) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                return true;
            }
        }
        finally { s_handles.Add(handle); }
    }

    private static bool Load()
    {
        string[] names = OperatingSystem.IsWindows() ? ["turbojpeg.dll"]
            : OperatingSystem.IsMacOS() ? ["libturbojpeg.0.dylib", "libturbojpeg.dylib"]
            : ["libturbojpeg.so.0", "libturbojpeg.so"];
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, "tjInitDecompress", out var init)
                && NativeLibrary.TryGetExport(library, "tjDecompressHeader3", out var header)
                && NativeLibrary.TryGetExport(library, "tjDecompress2", out var decompress))
            {
                s_init = (delegate* unmanaged<nint>)init;
                s_header = (delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int>)header;
                s_decompress = (delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int>)decompress;
                // A check that cannot run (SkiaSharp failing to encode its samples) leaves JPEGs to SkiaSharp.
                try { return AgreesWithSkia(); }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException) { return false; }
            }
            NativeLibrary.Free(library);
        }
        return false;
    }

    /// <summary>
    /// Small noisy JPEGs, encoded by SkiaSharp with each chroma subsampling and in gray, at sizes that
    /// are not multiples of the 8 × 8 blocks, decode to the same bytes through both libraries.
    /// </summary>
    private static bool AgreesWithSkia()
    {
        var random = new Random(12);
        foreach (var (downsample, gray) in new[] { (SKJpegEncoderDownsample.Downsample420, false), (SKJpegEncoderDownsample.Downsample422, false),
                     (SKJpegEncoderDownsample.Downsample444, false), (SKJpegEncoderDownsample.Downsample420, true) })
        {
            const int width = 37, height = 29;
            var info = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
            using var bitmap = new SKBitmap(info);
            var source = new byte[info.BytesSize];
            random.NextBytes(source);
            if (!gray) for (int i = 3; i < source.Length; i += 4) source[i] = 255;
            Marshal.Copy(source, 0, bitmap.GetPixels(), source.Length);
            using var pixmap = bitmap.PeekPixels();
            using var data = pixmap?.Encode(new SKJpegEncoderOptions(90, downsample, SKJpegEncoderAlphaOption.Ignore));
            if (data is null) return false;
            var jpeg = data.ToArray();
            using var codec = SKCodec.Create(data);
            if (codec is null) return false;
            var expected = new byte[info.BytesSize];
            fixed (byte* target = expected)
                if (codec.GetPixels(info, (nint)target) != SKCodecResult.Success) return false;
            int channels = gray ? 1 : 4;
            if (!Decode(jpeg, channels, long.MaxValue, out var actual, out int h, out int w)) return false;
            bool same = h == height && w == width && actual.AsSpan(0, expected.Length).SequenceEqual(expected);
            System.Buffers.ArrayPool<byte>.Shared.Return(actual);
            if (!same) return false;
        }
        return true;
    }
}
