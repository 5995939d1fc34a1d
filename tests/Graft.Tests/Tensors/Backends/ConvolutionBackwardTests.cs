using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU's convolution gradients (dX and dW) against the float64 reference backend, one case per
/// path: the flipped forward convolution for stride 1, blocked col2im for strided windows (and the
/// chunked path a single image takes), the kernel gradient from patches gathered again in blocks
/// and column slices, 1×1 windows with and without stride, groups, dilation, odd sizes and batch 1;
/// each case also bit for bit the same under 1, 2 and 3 threads.
/// </summary>
public class ConvolutionBackwardTests
{
    public static TheoryData<string, int[], int[], int, string, int, int> Cases => new()
    {
        // name, x (N, H, W, C), kernel (KH, KW, C/groups, Cout), stride, padding, dilation, groups
        { "3x3/1 same, several blocks and slices", [3, 17, 13, 64], [3, 3, 64, 24], 1, "same", 1, 1 },
        { "3x3/2 same, odd sizes", [3, 17, 15, 20], [3, 3, 20, 36], 2, "same", 1, 1 },
        { "3x3/2 same, several blocks per image", [2, 40, 38, 64], [3, 3, 64, 32], 2, "same", 1, 1 },
        { "3x3/2 same, batch 1", [1, 19, 17, 16], [3, 3, 16, 8], 2, "same", 1, 1 },
        { "1x1/2 valid", [2, 15, 9, 40], [1, 1, 40, 24], 2, "valid", 1, 1 },
        { "1x1/2, 13 channels (a one-column last slice)", [2, 9, 9, 13], [1, 1, 13, 5], 2, "valid", 1, 1 },
        { "1x1/1 pointwise, batch 1", [1, 7, 5, 12], [1, 1, 12, 10], 1, "valid", 1, 1 },
        { "7x7/2 same over RGB", [2, 23, 21, 3], [7, 7, 3, 16], 2, "same", 1, 1 },
        { "3x3/1 valid, dilation 2", [2, 13, 11, 9], [3, 3, 9, 7], 1, "valid", 2, 1 },
        { "3x3/2 same, dilation 2", [2, 14, 13, 10], [3, 3, 10, 6], 2, "same", 2, 1 },
        { "4x4/3 same", [2, 16, 14, 6], [4, 4, 6, 9], 3, "same", 1, 1 },
        { "2x2/2 valid, 1 channel", [3, 10, 8, 1], [2, 2, 1, 4], 2, "valid", 1, 1 },
        { "3x3/2 same, 2 groups", [2, 11, 9, 8], [3, 3, 4, 6], 2, "same", 1, 2 },
        { "3x3/1 same, 4 groups", [2, 9, 7, 8], [3, 3, 2, 8], 1, "same", 1, 4 },
        // dW read in place: strips of 12 input channels with 1- to 11-channel remainders, output
        // channels in tiles of 32 with a partial last one, taps that fall off the image
        { "3x3/1 same, 5 channels, 37 outputs", [2, 9, 11, 5], [3, 3, 5, 37], 1, "same", 1, 1 },
        { "3x3/1 valid, 13 channels, batch 1", [1, 6, 5, 13], [3, 3, 13, 7], 1, "valid", 1, 1 },
        { "3x3/2 same, 30 channels, 65 outputs", [3, 11, 9, 30], [3, 3, 30, 65], 2, "same", 1, 1 },
        { "5x5/1 same over a 4x3 image", [2, 4, 3, 8], [5, 5, 8, 40], 1, "same", 1, 1 },
        { "3x3/1 same, 256 to 120", [2, 6, 5, 256], [3, 3, 256, 120], 1, "same", 1, 1 },
        { "3x3/1 same, 131 to 70 (a kernel flipped by several threads)", [1, 4, 5, 131], [3, 3, 131, 70], 1, "same", 1, 1 },
        { "3x3/2 same, 500 outputs (16 tiles of them, units ordered by tap)", [2, 5, 4, 12], [3, 3, 12, 500], 2, "same", 1, 1 },
        { "3x3/1 same, one row of 300", [1, 1, 300, 16], [3, 3, 16, 32], 1, "same", 1, 1 },
        // fewer than 8 channels: whole window rows of a padded copy, or patches gathered when dilated
        { "7x7/2 same over RGB, odd width", [2, 13, 16, 3], [7, 7, 3, 33], 2, "same", 1, 1 },
        { "5x3/1 valid, 7 channels", [2, 8, 9, 7], [5, 3, 7, 12], 1, "valid", 1, 1 },
        { "3x3/1 same, dilation 2, 3 channels", [2, 9, 8, 3], [3, 3, 3, 5], 1, "same", 2, 1 },
        // the small CNN's second layer, batch 3: dX (Winograd) and dW side by side under 2 threads
        { "3x3/1 valid, 32 to 64, 13x13", [3, 13, 13, 32], [3, 3, 32, 64], 1, "valid", 1, 1 },
    };

    /// <summary>dX, dW of Σ r·conv(x, k) on the CPU (under the given thread count) or the reference backend.</summary>
    private static float[][] Gradients(Device device, int[] xShape, int[] kShape, int stride, string padding, int dilation, int groups)
    {
        var x = Tensor.RandomUniform(xShape, -1, 1, new Generator(1)).To(device);
        var k = Tensor.RandomUniform(kShape, -0.5f, 0.5f, new Generator(2)).To(device);
        x.RequiresGrad = true; k.RequiresGrad = true;
        var y = Ops.Conv2D(x, k, (stride, stride), padding, (dilation, dilation), groups);
        var r = Tensor.RandomUniform(y.Shape.ToArray(), -1, 1, new Generator(3)).To(device);
        Ops.Sum(Ops.Multiply(y, r)).Backward();
        return [x.Grad!.ToArray(), k.Grad!.ToArray()];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchTheReferenceAndEveryThreadCount(string name, int[] xShape, int[] kShape, int stride, string padding, int dilation, int groups)
    {
        var expected = Gradients(Device.Reference, xShape, kShape, stride, padding, dilation, groups);
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[][] actual;
            using (new GraftContext { Threads = threads }.Use()) actual = Gradients(Device.Cpu, xShape, kShape, stride, padding, dilation, groups);
            Assertions.Close(expected[0], actual[0], 1e-4f, $"{name}: dX under {threads} threads");
            Assertions.Close(expected[1], actual[1], 1e-4f, $"{name}: dW under {threads} threads");
            if (first is null) { first = actual; continue; }
            for (int t = 0; t < 2; t++)
                for (int i = 0; i < first[t].Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(first[t][i]) == BitConverter.SingleToInt32Bits(actual[t][i]),
                        $"{name}: expected {(t == 0 ? "dX" : "dW")}[{i}] bitwise equal under 1 and {threads} threads, got {first[t][i]:R} and {actual[t][i]:R}.");
        }
    }

    /// <summary>
    /// ResNet's first-stage shape, scaled down in batch: the kernel gradient sums over more rows than
    /// one block (256) and its 576 rows are cut into slices that split taps in the middle.
    /// </summary>
    [Fact]
    public void FirstStageShapeSpansManyBlocks()
    {
        var g = Ops.Geometry(Shape.Wrap([2, 20, 20, 64]), 3, 3, (1, 1), (1, 1), "same", "Conv2D");
        Assert.True(g.Rows > 3 * 256, "expected several blocks of rows");
        var expected = Gradients(Device.Reference, [2, 20, 20, 64], [3, 3, 64, 64], 1, "same", 1, 1);
        var actual = Gradients(Device.Cpu, [2, 20, 20, 64], [3, 3, 64, 64], 1, "same", 1, 1);
        Assertions.Close(expected[0], actual[0], 1e-4f, "dX");
        Assertions.Close(expected[1], actual[1], 1e-4f, "dW");
    }

    /// <summary>
    /// dX and dW side by side (two threads, a small layer) write the same bits as the two
    /// primitives called one after the other, on one thread and on three, including 1 channel,
    /// groups, and only one of the two gradients asked for.
    /// </summary>
    [Theory]
    [InlineData(3, 13, 13, 32, 64, 1, 1)]
    [InlineData(2, 9, 7, 1, 8, 2, 1)]
    [InlineData(1, 8, 9, 8, 12, 1, 2)]
    [InlineData(4, 6, 5, 16, 24, 1, 4)]
    public void PairedGradientsMatchThePrimitivesBitForBit(int n, int h, int w, int c, int cout, int stride, int groups)
    {
        var backend = Backend.For(Device.Cpu);
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(4));
        var k = Tensor.RandomUniform([3, 3, c / groups, cout], -0.5f, 0.5f, new Generator(5));
        var g = Ops.Geometry(x.Shape, 3, 3, (stride, stride), (1, 1), "same", "Conv2D");
        var gy = Tensor.RandomUniform([n, g.OH, g.OW, cout], -1, 1, new Generator(6));
        Tensor Gx() => Tensor.Empty(x.Shape, zero: false, Device.Cpu);
        Tensor Gk() => Tensor.Empty(k.Shape, zero: false, Device.Cpu);
        var (gx, gk) = (Gx(), Gk());
        using (new GraftContext { Threads = 2 }.Use())
        {
            Assert.True(CpuBackend.PairPays(g, groups, cout), "expected a layer this small to take the paired path under 2 threads");
            backend.Conv2DBackward(x, k, gy, groups, g, gx, gk);
        }
        foreach (int threads in new[] { 1, 3 })
        {
            var (ex, ek) = (Gx(), Gk());
            using (new GraftContext { Threads = threads }.Use())
            {
                backend.Conv2DBackwardInput(gy, k, groups, g, ex);
                backend.Conv2DBackwardKernel(x, gy, groups, g, ek);
            }
            Assert.True(ex.ToArray().AsSpan().SequenceEqual(gx.ToArray()), $"expected paired dX bitwise equal to dX alone under {threads} threads");
            Assert.True(ek.ToArray().AsSpan().SequenceEqual(gk.ToArray()), $"expected paired dW bitwise equal to dW alone under {threads} threads");
        }
        var (onlyX, onlyK) = (Gx(), Gk());
        using (new GraftContext { Threads = 2 }.Use())
        {
            backend.Conv2DBackward(x, k, gy, groups, g, onlyX, null);
            backend.Conv2DBackward(x, k, gy, groups, g, null, onlyK);
        }
        Assert.True(onlyX.ToArray().AsSpan().SequenceEqual(gx.ToArray()), "expected dX asked alone bitwise equal to the paired dX");
        Assert.True(onlyK.ToArray().AsSpan().SequenceEqual(gk.ToArray()), "expected dW asked alone bitwise equal to the paired dW");
    }

    [Fact]
    public void OnlySmallLayersUnderTwoThreadsArePaired()
    {
        var resnet = Ops.Geometry(Shape.Wrap([16, 56, 56, 64]), 3, 3, (1, 1), (1, 1), "same", "Conv2D");
        var small = Ops.Geometry(Shape.Wrap([64, 13, 13, 32]), 3, 3, (1, 1), (1, 1), "valid", "Conv2D");
        using (new GraftContext { Threads = 2 }.Use())
        {
            Assert.False(CpuBackend.PairPays(resnet, 1, 64), "expected a ResNet stage-1 layer to share each gradient between the threads");
            Assert.True(CpuBackend.PairPays(small, 1, 64), "expected the small CNN's second layer to be paired");
        }
        foreach (int threads in new[] { 1, 3 })
            using (new GraftContext { Threads = threads }.Use())
                Assert.False(CpuBackend.PairPays(small, 1, 64), $"expected no pairing under {threads} threads");
    }

    /// <summary>
    /// A first layer (its input needs no gradient) with relu and a bias, as Conv2D(32, 3×3,
    /// relu) over grayscale images is: the kernel and bias gradients, taken through relu in the
    /// kernel gradient's pass, against the reference backend, the same bits under 1, 2 and 3 threads;
    /// with 3 channels and "same" padding too, and a layer with too many channels for that pass.
    /// </summary>
    [Theory]
    [InlineData(3, 12, 11, 1, 32, "valid")]
    [InlineData(2, 9, 10, 3, 24, "same")]
    [InlineData(2, 7, 6, 8, 16, "same")]
    public void FirstLayerGradientsThroughReluMatchTheReference(int n, int h, int w, int c, int cout, string padding)
    {
        float[][] Run(Device device)
        {
            var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(11)).To(device);
            var k = Tensor.RandomUniform([3, 3, c, cout], -0.5f, 0.5f, new Generator(12)).To(device);
            var b = Tensor.RandomUniform([cout], -0.2f, 0.2f, new Generator(13)).To(device);
            k.RequiresGrad = true; b.RequiresGrad = true;
            var y = Ops.Conv2D(x, k, b, Graft.Activations.ActivationFunction.Get("relu"), padding: padding);
            var r = Tensor.RandomUniform(y.Shape.ToArray(), -1, 1, new Generator(14)).To(device);
            Ops.Sum(Ops.Multiply(y, r)).Backward();
            return [k.Grad!.ToArray(), b.Grad!.ToArray()];
        }
        var expected = Run(Device.Reference);
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[][] actual;
            using (new GraftContext { Threads = threads }.Use()) actual = Run(Device.Cpu);
            Assertions.Close(expected[0], actual[0], 1e-4f, $"dW under {threads} threads");
            Assertions.Close(expected[1], actual[1], 1e-4f, $"db under {threads} threads");
            if (first is null) { first = actual; continue; }
            Assert.Equal(first[0], actual[0]);
            Assert.Equal(first[1], actual[1]);
        }
    }
}
