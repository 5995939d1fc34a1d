using System.Diagnostics;
using Graft.Vision;
using SkiaSharp;

namespace Graft.Bench;

/// <summary>
/// The input pipeline: ImageDataset.FromDirectory decoding 500 × 375 JPEGs (a common photo size)
/// and resizing them to 224 × 224 (bilinear), in images per second over whole passes. No peer yet:
/// Pillow (python3-pil) is the one the issue names.
/// </summary>
internal static class ImageBench
{
    public static void Run(Report report, BenchOptions options)
    {
        int count = options.Quick ? 64 : 256;
        string dir = Directory.CreateTempSubdirectory("graft-image-bench").FullName;
        try
        {
            WritePhotos(dir, count);
            var ds = ImageDataset.FromDirectory(dir, imageSize: (224, 224), batchSize: 32, shuffle: false);
            foreach (var _ in ds) { }
            var rates = new List<double>();
            for (int rep = 0; rep < (options.Quick ? 2 : 5); rep++)
            {
                var sw = Stopwatch.StartNew();
                int seen = 0;
                foreach (var (x, _) in ds) seen += x.Shape[0];
                rates.Add(seen / sw.Elapsed.TotalSeconds);
            }
            rates.Sort();
            report.Add("image_decode_224", rates[rates.Count / 2], null, "images/s (JPEG 500x375 -> 224x224, higher is better)", "none yet (Pillow)",
                new System.Text.Json.Nodes.JsonObject { ["threads"] = Environment.ProcessorCount });
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Photo-like JPEGs (quality 90): smooth gradients with noise, in two class folders.</summary>
    private static void WritePhotos(string dir, int count)
    {
        var random = new System.Random(1);
        var info = new SKImageInfo(500, 375, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        for (int i = 0; i < count; i++)
        {
            for (int y = 0; y < info.Height; y++)
                for (int x = 0; x < info.Width; x++)
                {
                    int at = y * info.RowBytes + 4 * x, noise = random.Next(32);
                    pixels[at] = (byte)((x * 255 / info.Width + noise + i) & 255);
                    pixels[at + 1] = (byte)((y * 255 / info.Height + noise) & 255);
                    pixels[at + 2] = (byte)(((x + y) * 128 / (info.Width + info.Height) + noise) & 255);
                    pixels[at + 3] = 255;
                }
            using var bitmap = new SKBitmap(info);
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
            string folder = Path.Combine(dir, i % 2 == 0 ? "a" : "b");
            Directory.CreateDirectory(folder);
            using var file = File.Create(Path.Combine(folder, $"{i:D4}.jpg"));
            data.SaveTo(file);
        }
    }
}
