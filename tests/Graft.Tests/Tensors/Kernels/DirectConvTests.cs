using Graft;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The direct convolution for few input channels in its 256-bit and its 128-bit loop (the one
/// ARM64 and x86 without AVX run), on any CPU, against the definition computed in double.
/// </summary>
public class DirectConvTests
{
    [Theory]
    [InlineData(true, 3, 8, 1, 1, 1)]
    [InlineData(false, 3, 8, 1, 1, 1)]
    [InlineData(true, 1, 40, 2, 1, 0)]    // a 32-channel block and an 8-channel remainder
    [InlineData(false, 1, 40, 2, 1, 0)]   // two 16-channel blocks and an 8-channel remainder
    [InlineData(false, 4, 24, 1, 2, 1)]   // dilated
    [InlineData(true, 2, 64, 2, 1, 1)]
    // Wider rows: blocks of four pixels whose windows lie inside the image, and single pixels at the
    // padded borders and the row's end; 16-channel blocks with an 8-channel remainder.
    [InlineData(true, 1, 40, 1, 1, 0, 13)]
    [InlineData(false, 1, 40, 1, 1, 0, 13)]
    [InlineData(true, 3, 24, 1, 1, 1, 14)]
    [InlineData(false, 3, 24, 2, 1, 1, 14)]
    [InlineData(true, 2, 32, 2, 2, 2, 17)]
    [InlineData(false, 4, 16, 1, 2, 0, 15)]
    public unsafe void BothWidthsMatchDefinition(bool wide, int c, int cout, int stride, int dilation, int pad, int w = 6)
    {
        const int n = 2, h = 7, kh = 3, kw = 3;
        int oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1, ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(1)).ToArray();
        var k = Tensor.RandomUniform([kh, kw, c, cout], -1, 1, new Generator(2)).ToArray();
        var g = new Conv2DGeometry(n, h, w, c, kh, kw, stride, stride, dilation, dilation, pad, pad, oh, ow);
        var expected = new float[n * oh * ow * cout];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int o = 0; o < cout; o++)
                    {
                        double s = 0;
                        for (int a = 0; a < kh; a++)
                            for (int e = 0; e < kw; e++)
                            {
                                int ih = i * stride - pad + a * dilation, iw = j * stride - pad + e * dilation;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                for (int q = 0; q < c; q++)
                                    s += (double)x[((b * h + ih) * w + iw) * c + q] * k[((a * kw + e) * c + q) * cout + o];
                            }
                        expected[((b * oh + i) * ow + j) * cout + o] = (float)s;
                    }
        var y = new float[expected.Length];
        fixed (float* px = x, pk = k, py = y)
            DirectConv.Forward(px, pk, py, g, cout, default, wide);
        Assertions.Close(expected, y, 1e-5f);
    }

    /// <summary>
    /// The kernel gradient of a direct convolution in both widths against its definition in double:
    /// several parts of rows (the first case has 2 × 40 × 30 = 2,400 output rows), gathers cut
    /// mid-image, padded borders, 1 to 4 channels, a column count that is not a multiple of four, and
    /// the same bits with 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(true, 1, 40, 1, 1, 1, 40, 30)]
    [InlineData(false, 1, 40, 1, 1, 1, 40, 30)]
    [InlineData(true, 3, 24, 2, 1, 0, 9, 11)]
    [InlineData(false, 2, 16, 1, 2, 2, 9, 8)]
    [InlineData(true, 4, 8, 1, 1, 0, 5, 5)]
    public unsafe void KernelGradientMatchesDefinition(bool wide, int c, int cout, int stride, int dilation, int pad, int h, int w)
    {
        const int n = 2, kh = 3, kw = 3;
        int oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1, ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(3)).ToArray();
        var gy = Tensor.RandomUniform([n, oh, ow, cout], -1, 1, new Generator(4)).ToArray();
        var g = new Conv2DGeometry(n, h, w, c, kh, kw, stride, stride, dilation, dilation, pad, pad, oh, ow);
        var expected = new float[kh * kw * c * cout];
        for (int a = 0; a < kh; a++)
            for (int e = 0; e < kw; e++)
                for (int q = 0; q < c; q++)
                    for (int o = 0; o < cout; o++)
                    {
                        double s = 0;
                        for (int b = 0; b < n; b++)
                            for (int i = 0; i < oh; i++)
                                for (int j = 0; j < ow; j++)
                                {
                                    int ih = i * stride - pad + a * dilation, iw = j * stride - pad + e * dilation;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    s += (double)x[((b * h + ih) * w + iw) * c + q] * gy[((b * oh + i) * ow + j) * cout + o];
                                }
                        expected[((a * kw + e) * c + q) * cout + o] = (float)s;
                    }
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var gk = new float[expected.Length];
            using (new GraftContext { Threads = threads }.Use())
                fixed (float* px = x, pg = gy, pk = gk)
                    DirectConv.BackwardKernel(px, pg, pk, g, cout, wide);
            Assertions.Close(expected, gk, 1e-4f);
            if (first is null) first = gk;
            else Assert.Equal(first, gk);
        }
    }

    [Fact]
    public void LargeWindowsGoToTheGemm()
    {
        Assert.True(DirectConv.Applies(3, 32, 1, 9));     // 3×3 RGB: 27 columns
        Assert.False(DirectConv.Applies(3, 64, 1, 49));   // ResNet's 7×7 RGB stem: 147 columns
        Assert.False(DirectConv.Applies(8, 64, 1, 1));    // too many channels
    }
}
