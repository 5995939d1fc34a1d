using Graft;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The direct convolution for few input channels in its 512-bit, 256-bit and 128-bit loops (the
/// last the one ARM64 and x86 without AVX run), on any CPU, against the definition computed in
/// double; the 512-bit loops give the same bits as the 256-bit ones.
/// </summary>
public class DirectConvTests
{
    [Theory]
    [InlineData(256, 3, 8, 1, 1, 1)]
    [InlineData(128, 3, 8, 1, 1, 1)]
    [InlineData(256, 1, 40, 2, 1, 0)]    // a 32-channel block and an 8-channel remainder
    [InlineData(128, 1, 40, 2, 1, 0)]   // two 16-channel blocks and an 8-channel remainder
    [InlineData(128, 4, 24, 1, 2, 1)]   // dilated
    [InlineData(256, 2, 64, 2, 1, 1)]
    // Wider rows: blocks of four pixels whose windows lie inside the image, and single pixels at the
    // padded borders and the row's end; 16-channel blocks with an 8-channel remainder.
    [InlineData(256, 1, 40, 1, 1, 0, 13)]
    [InlineData(128, 1, 40, 1, 1, 0, 13)]
    [InlineData(256, 3, 24, 1, 1, 1, 14)]
    [InlineData(128, 3, 24, 2, 1, 1, 14)]
    [InlineData(256, 2, 32, 2, 2, 2, 17)]
    [InlineData(128, 4, 16, 1, 2, 0, 15)]
    // 512-bit blocks of 32 channels, with 8- to 24-channel remainders in 256-bit ones
    [InlineData(512, 1, 32, 1, 1, 0, 28)]
    [InlineData(512, 1, 40, 1, 1, 1, 13)]
    [InlineData(512, 3, 56, 2, 1, 1, 14)]
    [InlineData(512, 2, 16, 1, 2, 2, 17)]
    [InlineData(512, 4, 88, 1, 1, 0, 9)]
    public unsafe void EveryWidthMatchesDefinition(int bits, int c, int cout, int stride, int dilation, int pad, int w = 6)
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
            DirectConv.Forward(px, pk, py, g, cout, default, bits);
        Assertions.Close(expected, y, 1e-5f);
    }

    /// <summary>
    /// The kernel gradient of a direct convolution in both widths against its definition in double:
    /// several parts of rows (the first case has 2 × 40 × 30 = 2,400 output rows), gathers cut
    /// mid-image, padded borders, 1 to 4 channels, a column count that is not a multiple of four, and
    /// the same bits with 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(256, 1, 40, 1, 1, 1, 40, 30)]
    [InlineData(128, 1, 40, 1, 1, 1, 40, 30)]
    [InlineData(256, 3, 24, 2, 1, 0, 9, 11)]
    [InlineData(128, 2, 16, 1, 2, 2, 9, 8)]
    [InlineData(256, 4, 8, 1, 1, 0, 5, 5)]
    [InlineData(512, 1, 32, 1, 1, 0, 40, 30)]
    [InlineData(512, 1, 40, 1, 1, 1, 9, 11)]
    [InlineData(512, 3, 88, 2, 1, 0, 9, 11)]
    [InlineData(512, 4, 8, 1, 1, 0, 5, 5)]
    public unsafe void KernelGradientMatchesDefinition(int bits, int c, int cout, int stride, int dilation, int pad, int h, int w)
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
                    DirectConv.BackwardKernel(px, pg, pk, g, cout, bits);
            Assertions.Close(expected, gk, 1e-4f);
            if (first is null) first = gk;
            else Assert.Equal(first, gk);
        }
    }

    /// <summary>
    /// The 512-bit blocks add each output's products in the order the 256-bit ones and the single
    /// pixels at the borders do: the same bits, whichever width a CPU runs.
    /// </summary>
    [Theory]
    [InlineData(1, 32, 0, 26)]
    [InlineData(3, 40, 1, 13)]
    [InlineData(2, 88, 1, 10)]
    public unsafe void WidthsOf512And256GiveTheSameBits(int c, int cout, int pad, int w)
    {
        const int n = 2, h = 9;
        int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(5)).ToArray();
        var k = Tensor.RandomUniform([3, 3, c, cout], -1, 1, new Generator(6)).ToArray();
        var gy = Tensor.RandomUniform([n, oh, ow, cout], -1, 1, new Generator(7)).ToArray();
        var g = new Conv2DGeometry(n, h, w, c, 3, 3, 1, 1, 1, 1, pad, pad, oh, ow);
        float[] y256 = new float[n * oh * ow * cout], y512 = new float[y256.Length], k256 = new float[k.Length], k512 = new float[k.Length];
        fixed (float* px = x, pk = k, pg = gy, a = y256, b = y512, ka = k256, kb = k512)
        {
            DirectConv.Forward(px, pk, a, g, cout, default, 256);
            DirectConv.Forward(px, pk, b, g, cout, default, 512);
            DirectConv.BackwardKernel(px, pg, ka, g, cout, 256);
            DirectConv.BackwardKernel(px, pg, kb, g, cout, 512);
        }
        Assert.Equal(y256, y512);
        Assert.Equal(k256, k512);
    }

    /// <summary>
    /// The kernel and bias gradients through relu, dY = relu'(y) ⊙ g0 masked as it is read, in every
    /// width against the definition in double: y with negatives and exact zeros (no gradient there),
    /// with and without the bias gradient, the same bits with 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(512, 1, 32, 0, 40, 30, true)]
    [InlineData(512, 3, 40, 1, 9, 11, true)]
    [InlineData(256, 1, 40, 1, 40, 30, true)]
    [InlineData(128, 2, 16, 0, 9, 8, true)]
    [InlineData(512, 1, 32, 0, 9, 9, false)]
    [InlineData(256, 4, 8, 1, 5, 5, false)]
    public unsafe void GradientsThroughReluMatchDefinition(int bits, int c, int cout, int pad, int h, int w, bool bias)
    {
        const int n = 2, kh = 3, kw = 3;
        int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(3)).ToArray();
        var g0 = Tensor.RandomUniform([n, oh, ow, cout], -1, 1, new Generator(4)).ToArray();
        // y rounded to a grid so that a share of it is exactly 0, where relu passes no gradient.
        var y = Tensor.RandomUniform([n, oh, ow, cout], -1, 1, new Generator(5)).ToArray().Select(v => MathF.Round(v * 3) / 3).ToArray();
        Assert.Contains(0f, y);
        var g = new Conv2DGeometry(n, h, w, c, kh, kw, 1, 1, 1, 1, pad, pad, oh, ow);
        double Dy(int i) => y[i] > 0 ? g0[i] : 0;
        var expected = new float[kh * kw * c * cout];
        var expectedBias = new float[cout];
        for (int o = 0; o < cout; o++)
        {
            double sb = 0;
            for (int r = 0; r < n * oh * ow; r++) sb += Dy(r * cout + o);
            expectedBias[o] = (float)sb;
        }
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
                                    int ih = i - pad + a, iw = j - pad + e;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    s += (double)x[((b * h + ih) * w + iw) * c + q] * Dy(((b * oh + i) * ow + j) * cout + o);
                                }
                        expected[((a * kw + e) * c + q) * cout + o] = (float)s;
                    }
        float[]? first = null, firstBias = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var gk = new float[expected.Length];
            var gb = new float[cout];
            using (new GraftContext { Threads = threads }.Use())
                fixed (float* px = x, pg = g0, py = y, pk = gk, pb = gb)
                    DirectConv.BackwardKernel(px, pg, py, pk, bias ? pb : null, g, cout, bits);
            Assertions.Close(expected, gk, 1e-4f);
            if (bias) Assertions.Close(expectedBias, gb, 1e-4f);
            else Assert.All(gb, v => Assert.Equal(0f, v));
            if (first is null) { first = gk; firstBias = gb; continue; }
            Assert.Equal(first, gk);
            Assert.Equal(firstBias, gb);
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
