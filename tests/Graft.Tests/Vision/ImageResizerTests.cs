using Graft.Autograd;
using Graft.Tensors;
using Graft.Vision;

namespace Graft.Tests.Vision;

/// <summary>The dataset's resize of one image: the same pixels as Ops.Resize (tf.image.resize), bit for bit.</summary>
public class ImageResizerTests
{
    [Theory]
    [InlineData(37, 53, 3, 24, 24, "bilinear", false)]     // downscale both axes
    [InlineData(13, 9, 3, 31, 40, "bilinear", false)]      // upscale
    [InlineData(37, 53, 1, 37, 20, "bicubic", false)]      // one axis the same size
    [InlineData(30, 45, 4, 17, 17, "nearest", true)]       // after the centred crop
    [InlineData(30, 45, 3, 21, 11, "lanczos3", false)]
    [InlineData(60, 80, 3, 7, 9, "area", false)]           // a wide filter: the matrix-product path
    [InlineData(375, 500, 3, 224, 224, "bilinear", false)] // the photo case: a whole number of vectors per row
    [InlineData(41, 70, 4, 13, 17, "bicubic", true)]       // four taps, rows not a multiple of the vectors
    [InlineData(29, 37, 3, 29, 37, "bilinear", false)]     // the same size: a conversion
    [InlineData(9, 100, 1, 5, 33, "lanczos5", false)]
    public void ResizeMatchesOpsResizeExactly(int h, int w, int c, int outH, int outW, string method, bool crop)
    {
        var g = new Generator(5);
        var bytes = Enumerable.Range(0, h * w * c).Select(_ => (byte)g.NextInt(256)).ToArray();
        var pixels = bytes.Select(b => (float)b).ToArray();
        var actual = ImageResizer.ToTensor(pixels, h, w, c, crop, outH, outW, method);
        // Decoded bytes resize straight from the bytes, to the same floats.
        var fromBytes = ImageResizer.ToTensor(bytes, h, w, c, crop, outH, outW, method);

        var (top, left, ch, cw) = crop ? ImageResizer.CropToAspect(h, w, outH, outW) : (0, 0, h, w);
        var window = new float[ch * cw * c];
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw * c; x++) window[y * cw * c + x] = pixels[((top + y) * w + left) * c + x];
        var image = Tensor.FromArray(window, 1, ch, cw, c);
        var expected = Ops.Resize(image, outH, outW, method);

        Assert.Equal([outH, outW, c], actual.Shape.ToArray());
        Assert.Equal(expected.ToArray(), actual.ToArray());
        Assert.Equal(expected.ToArray(), fromBytes.ToArray());
    }
}
