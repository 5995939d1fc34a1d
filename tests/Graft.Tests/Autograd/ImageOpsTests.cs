using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Autograd;

/// <summary>
/// Ops.Resize and Ops.AffineTransform: values computed by hand where TensorFlow.js has no oracle
/// (bicubic, area, Lanczos, antialiasing, the fill modes' coordinate maps), gradients by finite
/// differences, and argument errors. Bilinear, nearest and the transforms are checked against
/// TensorFlow.js in Layers/Preprocessing/ImageGoldenTests.
/// </summary>
public class ImageOpsTests
{
    private static Tensor Row(params float[] v) => Tensor.FromArray(v, 1, 1, v.Length, 1);

    [Fact]
    public void BicubicUpscaleUsesKeysCubicRenormalizedAtTheBorder()
    {
        // 4 → 8: output 3 samples at 1.75, weights of Keys' cubic (a = −0.5) at distances 1.25, 0.25,
        // 0.75, 1.75: −0.0703125, 0.8671875, 0.2265625, −0.0234375. Output 0 samples at 0.25: only
        // pixels 0 and 1 are inside, weights 0.8671875 and −0.0703125 renormalized by their sum.
        var y = Ops.Resize(Row(0, 1, 0, 0), 1, 8, "bicubic").ToArray();
        Assert.Equal(0.8671875f, y[3], 6);
        Assert.Equal(-0.0703125f / 0.796875f, y[0], 6);
    }

    [Fact]
    public void AreaDownscaleAveragesTheCoveredFractionOfEachPixel()
    {
        // 3 → 2: each output covers 1.5 input pixels: (x0 + x1/2) / 1.5 and (x1/2 + x2) / 1.5.
        Assertions.Close([4f, 8f], Ops.Resize(Row(3, 6, 9), 1, 2, "area"));
        Assertions.Close([2f, 6f], Ops.Resize(Row(1, 3, 5, 7), 1, 2, "area"));
    }

    [Fact]
    public void AreaDownscaleByWholeBlocksIsTheBlockMean()
    {
        // 12 → 3 reads 4 pixels per output (weighted gathers); 12 → 1 reads all 12 (a matrix product).
        var x = Row(Enumerable.Range(0, 12).Select(i => (float)(i * i)).ToArray());
        Assertions.Close([3.5f, 31.5f, 91.5f], Ops.Resize(x, 1, 3, "area"));
        Assertions.Close([Enumerable.Range(0, 12).Sum(i => i * i) / 12f], Ops.Resize(x, 1, 1, "area"));
        Check(t => Ops.Resize(t[0], 1, 1, "area"), [Uniform([1, 1, 12, 2], 5)]);
    }

    [Fact]
    public void AntialiasWidensTheKernelWhenDownscaling()
    {
        // 6 → 2, output 1 is centered on pixel 4 (coordinate 4.5). Plain bilinear reads pixel 4 alone
        // and misses the 6; antialiased, the triangle is 3 pixels wide: weights 1/3, 2/3, 1, 2/3 on
        // pixels 2..5, so 6 · (2/3) / (8/3).
        var x = Row(0, 0, 0, 0, 0, 6);
        Assert.Equal(0f, Ops.Resize(x, 1, 2, "bilinear").ToArray()[1], 5);
        Assert.Equal(1.5f, Ops.Resize(x, 1, 2, "bilinear", antialias: true).ToArray()[1], 5);
    }

    [Theory]
    [InlineData("bilinear")] [InlineData("nearest")] [InlineData("bicubic")] [InlineData("area")] [InlineData("lanczos3")] [InlineData("lanczos5")]
    public void EveryInterpolationKeepsAConstantImageAndTheSameSize(string interpolation)
    {
        var constant = Tensor.Full(0.7f, 2, 5, 6, 3);
        foreach (var (h, w) in new[] { (2, 3), (9, 13), (5, 6) })
            foreach (bool antialias in new[] { false, true })
                Assertions.Close(Tensor.Full(0.7f, 2, h, w, 3), Ops.Resize(constant, h, w, interpolation, antialias), 1e-5f);
        var x = Uniform([1, 4, 5, 2], 3);
        Assert.Equal(x.ToArray(), Ops.Resize(x, 4, 5, interpolation).ToArray());
    }

    [Fact]
    public void LanczosUpscaleInterpolatesBetweenPixels()
    {
        // 2 → 4 of a constant-slope row is not exact at the border (renormalized), but the inner
        // outputs lie strictly between their neighbours and keep the order.
        var y = Ops.Resize(Row(0, 1, 2, 3, 4, 5), 1, 12, "lanczos3").ToArray();
        for (int i = 3; i < 9; i++) Assert.True(y[i] < y[i + 1], $"lanczos3: expected increasing outputs, got {string.Join(", ", y)}.");
    }

    [Theory]
    [InlineData("bilinear", 3, 2)] [InlineData("bilinear", 7, 9)] [InlineData("nearest", 7, 3)] [InlineData("bicubic", 6, 3)] [InlineData("area", 2, 3)] [InlineData("lanczos3", 5, 7)]
    public void ResizeGradientMatchesFiniteDifferences(string interpolation, int h, int w) =>
        Check(t => Ops.Resize(t[0], h, w, interpolation), [Uniform([2, 4, 5, 2], 1)]);

    [Fact]
    public void ResizeGradientWithAntialias() => Check(t => Ops.Resize(t[0], 2, 2, "bicubic", antialias: true), [Uniform([1, 5, 6, 2], 2)]);

    [Theory]
    [InlineData("bilinear", "reflect")] [InlineData("bilinear", "constant")] [InlineData("nearest", "wrap")]
    public void AffineTransformGradientMatchesFiniteDifferences(string interpolation, string fillMode)
    {
        float[] rotation = [0.8f, -0.6f, 1.1f, 0.6f, 0.8f, -0.7f, 0f, 0f];
        Check(t => Ops.AffineTransform(t[0], rotation, interpolation, fillMode, 0.3f), [Uniform([2, 4, 5, 2], 4)]);
    }

    [Fact]
    public void IdentityTransformReturnsTheImages()
    {
        var x = Uniform([2, 4, 5, 3], 7);
        Assert.Equal(x.ToArray(), Ops.AffineTransform(x, [1, 0, 0, 0, 1, 0, 0, 0]).ToArray());
        Assert.Equal(x.ToArray(), Ops.AffineTransform(x, [1, 0, 0, 0, 1, 0, 0, 0], "nearest", "reflect").ToArray());
    }

    [Fact]
    public void PerImageTransformsApplyToTheirOwnImage()
    {
        // Image 0 shifted right by one column (constant fill 9), image 1 untouched.
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 1, 3, 1);
        var y = Ops.AffineTransform(x, [1, 0, -1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], "nearest", "constant", 9f);
        Assert.Equal([9f, 1, 2, 4, 5, 6], y.ToArray());
    }

    [Theory]
    // reflect about the edge of the last pixel: (d c b a | a b c d | d c b a)
    [InlineData("reflect", -1f, 0f)] [InlineData("reflect", -2f, 1f)] [InlineData("reflect", 4f, 3f)] [InlineData("reflect", 5f, 2f)] [InlineData("reflect", 8f, 0f)] [InlineData("reflect", -9f, 0f)]
    // wrap: (a b c d | a b c d | a b c d)
    [InlineData("wrap", -1f, 3f)] [InlineData("wrap", 4f, 0f)] [InlineData("wrap", 5f, 1f)] [InlineData("wrap", -2f, 2f)]
    [InlineData("nearest", -3.5f, 0f)] [InlineData("nearest", 7.2f, 3f)] [InlineData("constant", -3.5f, -3.5f)] [InlineData("reflect", 2.5f, 2.5f)]
    public void FillModesMapCoordinatesAsTensorFlow(string mode, float coordinate, float expected) =>
        Assert.Equal(expected, ImageSampling.MapCoordinate(coordinate, 4, mode));

    [Fact]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        var x = Uniform([1, 3, 3, 1], 1);
        Assert.Contains("expected an interpolation in", Assert.Throws<ArgumentException>(() => Ops.Resize(x, 2, 2, "cubic")).Message);
        Assert.Contains("got 0x2", Assert.Throws<ArgumentException>(() => Ops.Resize(x, 0, 2)).Message);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => Ops.Resize(Uniform([3, 3, 1], 1), 2, 2)).Message);
        Assert.Contains("got 7", Assert.Throws<ArgumentException>(() => Ops.AffineTransform(x, new float[7])).Message);
        Assert.Contains("fill mode", Assert.Throws<ArgumentException>(() => Ops.AffineTransform(x, [1, 0, 0, 0, 1, 0, 0, 0], fillMode: "mirror")).Message);
        Assert.Contains("'bicubic'", Assert.Throws<ArgumentException>(() => Ops.AffineTransform(x, [1, 0, 0, 0, 1, 0, 0, 0], "bicubic")).Message);
    }
}
