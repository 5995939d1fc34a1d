using Graft.Autograd;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

/// <summary>Convolution and pooling values against direct loops written from the definitions.</summary>
public class ConvolutionTests
{
    private static float[] DirectConv(Tensor x, Tensor k, int sh, int sw, int dh, int dw, int pt, int pl, int oh, int ow, int groups)
    {
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        int kh = k.Shape[0], kw = k.Shape[1], cg = k.Shape[2], co = k.Shape[3], cog = co / groups;
        var y = new float[n * oh * ow * co];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int o = 0; o < co; o++)
                    {
                        int g = o / cog; double s = 0;
                        for (int a = 0; a < kh; a++)
                            for (int e = 0; e < kw; e++)
                            {
                                int ih = i * sh - pt + a * dh, iw = j * sw - pl + e * dw;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                for (int q = 0; q < cg; q++)
                                    s += x.GetValue(b, ih, iw, g * cg + q) * k.GetValue(a, e, q, o);
                            }
                        y[((b * oh + i) * ow + j) * co + o] = (float)s;
                    }
        return y;
    }

    /// <summary>
    /// A convolution whose patches are gathered and multiplied a block of rows at a time (64 input
    /// channels, a kernel small enough to stay in L2): blocks that cross image and row boundaries, a
    /// partial last block, stride, dilation and the fused bias and relu, against the definition.
    /// </summary>
    [Theory]
    [InlineData(1, 1, "same")]
    [InlineData(2, 1, "same")]
    [InlineData(1, 2, "valid")]
    public void BlockedConvolutionMatchesDefinition(int stride, int dilation, string padding)
    {
        const int n = 4, h = 25, w = 23, c = 64, cout = 24;
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(1));
        var k = Tensor.RandomUniform([3, 3, c, cout], -0.2f, 0.2f, new Generator(2));
        var bias = Tensor.RandomUniform([cout], -0.5f, 0.5f, new Generator(3));
        var y = Ops.Conv2D(x, k, bias, Graft.Activations.ActivationFunction.Get("relu"), (stride, stride), padding, (dilation, dilation));
        var g = Ops.Geometry(x.Shape, 3, 3, (stride, stride), (dilation, dilation), padding, "Conv2D");
        Assert.True(g.Rows > 512, "expected several blocks of rows");
        float[] xs = x.ToArray(), ks = k.ToArray(), bs = bias.ToArray();
        var expected = new float[g.Rows * cout];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < g.OH; i++)
                for (int j = 0; j < g.OW; j++)
                    for (int o = 0; o < cout; o++)
                    {
                        double s = bs[o];
                        for (int a = 0; a < 3; a++)
                            for (int e = 0; e < 3; e++)
                            {
                                int ih = i * stride - g.PadTop + a * dilation, iw = j * stride - g.PadLeft + e * dilation;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                for (int q = 0; q < c; q++)
                                    s += (double)xs[((b * h + ih) * w + iw) * c + q] * ks[((a * 3 + e) * c + q) * cout + o];
                            }
                        expected[((b * g.OH + i) * g.OW + j) * cout + o] = (float)Math.Max(s, 0);
                    }
        Assertions.Close(expected, y, 1e-4f);
    }

    [Fact]
    public void ValidStridedDilatedMatchesDirect()
    {
        var x = Tensor.RandomUniform([2, 9, 8, 4], -1, 1, new Generator(1));
        var k = Tensor.RandomUniform([3, 2, 4, 5], -1, 1, new Generator(2));
        var y = Ops.Conv2D(x, k, (2, 1), "valid", (1, 2));
        // valid: oh = (9 - 3) / 2 + 1 = 4, ow = (8 - 3) / 1 + 1 = 6 (effective kw 3)
        Assert.Equal(new Shape(2, 4, 6, 5), y.Shape);
        Assertions.Close(DirectConv(x, k, 2, 1, 1, 2, 0, 0, 4, 6, 1), y, 1e-4f);
    }

    [Fact]
    public void SamePaddingIsTensorFlowsAsymmetricPadding()
    {
        // Even kernel 2 with stride 1 on width 5: total pad 1, all of it after (0 before, 1 after).
        var x = Tensor.RandomUniform([1, 5, 5, 2], -1, 1, new Generator(3));
        var k = Tensor.RandomUniform([2, 2, 2, 3], -1, 1, new Generator(4));
        var y = Ops.Conv2D(x, k, padding: "same");
        Assert.Equal(new Shape(1, 5, 5, 3), y.Shape);
        Assertions.Close(DirectConv(x, k, 1, 1, 1, 1, 0, 0, 5, 5, 1), y, 1e-4f);
        // Stride 2, kernel 3 on 6: out 3, total pad max((3-1)*2+3-6, 0) = 1 → 0 before.
        var x2 = Tensor.RandomUniform([1, 6, 6, 2], -1, 1, new Generator(5));
        var k2 = Tensor.RandomUniform([3, 3, 2, 1], -1, 1, new Generator(6));
        Assertions.Close(DirectConv(x2, k2, 2, 2, 1, 1, 0, 0, 3, 3, 1), Ops.Conv2D(x2, k2, (2, 2), "same"), 1e-4f);
        // Kernel 3, stride 1 on 6: total 2 → 1 before.
        Assertions.Close(DirectConv(x2, k2, 1, 1, 1, 1, 1, 1, 6, 6, 1), Ops.Conv2D(x2, k2, padding: "same"), 1e-4f);
    }

    [Fact]
    public void FewInputChannelsUseTheDirectPathAndMatch()
    {
        var x = Tensor.RandomUniform([3, 7, 6, 1], -1, 1, new Generator(11));
        var k = Tensor.RandomUniform([3, 3, 1, 16], -1, 1, new Generator(12));
        Assertions.Close(DirectConv(x, k, 2, 1, 1, 1, 1, 1, 4, 6, 1), Ops.Conv2D(x, k, (2, 1), "same"), 1e-4f);
        var x3 = Tensor.RandomUniform([2, 5, 5, 3], -1, 1, new Generator(13));
        var k3 = Tensor.RandomUniform([2, 2, 3, 8], -1, 1, new Generator(14));
        Assertions.Close(DirectConv(x3, k3, 1, 1, 2, 2, 0, 0, 3, 3, 1), Ops.Conv2D(x3, k3, dilation: (2, 2)), 1e-4f);
    }

    [Fact]
    public void GroupsAndDepthwiseMatchDirect()
    {
        var x = Tensor.RandomUniform([2, 5, 5, 6], -1, 1, new Generator(7));
        var k = Tensor.RandomUniform([3, 3, 2, 9], -1, 1, new Generator(8));
        Assertions.Close(DirectConv(x, k, 1, 1, 1, 1, 1, 1, 5, 5, 3), Ops.Conv2D(x, k, padding: "same", groups: 3), 1e-4f);

        var dk = Tensor.RandomUniform([3, 3, 6, 2], -1, 1, new Generator(9));
        var grouped = dk.Reshape(3, 3, 1, 12);
        Assertions.Close(DirectConv(x, grouped, 1, 1, 1, 1, 0, 0, 3, 3, 6), Ops.DepthwiseConv2D(x, dk), 1e-4f);
    }

    [Fact]
    public void Conv1DCausalOnlyLooksBack()
    {
        var x = Tensor.RandomUniform([1, 6, 2], -1, 1, new Generator(1));
        var k = Tensor.RandomUniform([3, 2, 1], -1, 1, new Generator(2));
        var y = Ops.Conv1D(x, k, padding: "causal", dilation: 2);
        Assert.Equal(new Shape(1, 6, 1), y.Shape);
        // Output 0 sees only x[0] through the last kernel tap.
        float expected0 = x.GetValue(0, 0, 0) * k.GetValue(2, 0, 0) + x.GetValue(0, 0, 1) * k.GetValue(2, 1, 0);
        Assert.Equal(expected0, y.GetValue(0, 0, 0), 5);
        // Output 5 sees x[1], x[3], x[5].
        float e5 = 0;
        for (int tap = 0; tap < 3; tap++) for (int c = 0; c < 2; c++) e5 += x.GetValue(0, 1 + 2 * tap, c) * k.GetValue(tap, c, 0);
        Assert.Equal(e5, y.GetValue(0, 5, 0), 5);
    }

    [Fact]
    public void Conv2DTransposeIsTheAdjointOfConv2D()
    {
        // <conv(y), x> = <y, convT(x)> for the same kernel and geometry.
        var k = Tensor.RandomUniform([3, 3, 2, 4], -1, 1, new Generator(1));   // conv: 2 → 4 channels; transpose: 4 → 2
        var x = Tensor.RandomUniform([1, 3, 3, 4], -1, 1, new Generator(2));
        var yT = Ops.Conv2DTranspose(x, k, (2, 2), "same");
        Assert.Equal(new Shape(1, 6, 6, 2), yT.Shape);
        var y = Tensor.RandomUniform([1, 6, 6, 2], -1, 1, new Generator(3));
        var conv = Ops.Conv2D(y, k, (2, 2), "same");
        float lhs = Ops.Sum(Ops.Multiply(conv, x)).Item(), rhs = Ops.Sum(Ops.Multiply(y, yT)).Item();
        Assert.Equal(lhs, rhs, 3);
        Assert.Equal(new Shape(1, 7, 7, 2), Ops.Conv2DTranspose(x, k, (2, 2), "valid").Shape);
    }

    [Fact]
    public void MaxPoolAndAvgPoolValues()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(v => (float)v).ToArray(), 1, 4, 4, 1);
        Assert.Equal([5f, 7f, 13f, 15f], Ops.MaxPool2D(x, (2, 2)).ToArray());
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], Ops.AvgPool2D(x, (2, 2)).ToArray());
        // "same" with 3x3 windows, stride 2 on 4: out 2, total pad 1 → after. Corner window averages only real cells.
        Assert.Equal([10f, 11f, 14f, 15f], Ops.MaxPool2D(x, (3, 3), (2, 2), "same").ToArray());
        Assertions.Close([5f, 6.5f, 11f, 12.5f], Ops.AvgPool2D(x, (3, 3), (2, 2), "same"));
    }
}
