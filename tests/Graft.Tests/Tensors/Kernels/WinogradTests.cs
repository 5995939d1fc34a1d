using Graft.Activations;
using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The Winograd 3×3 convolution, F(2×2, 3×3) and F(4×4, 3×3), against the float64 reference backend:
/// sizes that are not multiples of the tile, one channel, channel counts that leave every vector
/// width a remainder, both paddings, bias and each epilogue activation; its use by Conv2D, its kept
/// kernel transform, and its independence from the thread count.
/// </summary>
public class WinogradTests
{
    // F(2×2, 3×3) rounds like the direct sum; F(4×4, 3×3)'s larger transform constants cost about a
    // digit (measured on ResNet's layers: up to 2e-6 and 3e-5 of 1 + |y|).
    private static float Tolerance(int tile) => tile == 2 ? 1e-5f : 5e-5f;

    private static float[] Reference(Tensor x, Tensor k, Tensor? bias, string activation, string padding)
    {
        var r = Ops.Conv2D(x.To(Device.Reference), k.To(Device.Reference), bias?.To(Device.Reference),
            ActivationFunction.Get(activation), (1, 1), padding);
        return r.ToArray();
    }

    private static unsafe float[] Run(Tensor x, Tensor k, Tensor? bias, string activation, string padding, int tile, bool keep = false)
    {
        var g = Ops.Geometry(x.Shape, 3, 3, (1, 1), (1, 1), padding, "Conv2D");
        int cout = k.Shape[3];
        var y = new float[g.Rows * cout];
        var act = activation switch { "relu" => EpilogueActivation.Relu, "selu" => EpilogueActivation.Selu, _ => EpilogueActivation.None };
        var b = bias?.ToArray();
        fixed (float* px = x.ToArray(), py = y, pb = b)
            Winograd.Forward(px, k.Data, py, g, cout, new Epilogue(pb, act), keep, tile);
        return y;
    }

    [Theory]
    [InlineData(1, 7, 9, 1, 1, "same", "linear", false)]      // one channel, 7×9 in partial tiles
    [InlineData(2, 5, 6, 3, 5, "valid", "relu", true)]        // 3×4 output: one partial F(4×4) tile per image
    [InlineData(1, 13, 11, 29, 29, "same", "selu", true)]     // 29 = 16 + 8 + 4 + 1 lanes
    [InlineData(3, 10, 10, 40, 33, "valid", "linear", true)]
    [InlineData(2, 3, 3, 8, 12, "valid", "relu", false)]      // a 1×1 output
    [InlineData(1, 1, 2, 4, 4, "same", "linear", true)]       // input smaller than a tile
    [InlineData(5, 9, 8, 20, 17, "same", "relu", true)]
    public void BothTilesMatchTheReferenceBackend(int n, int h, int w, int c, int cout, string padding, string activation, bool withBias)
    {
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(1));
        var k = Tensor.RandomUniform([3, 3, c, cout], -0.5f, 0.5f, new Generator(2));
        var bias = withBias ? Tensor.RandomUniform([cout], -0.5f, 0.5f, new Generator(3)) : null;
        var expected = Reference(x, k, bias, activation, padding);
        foreach (int tile in new[] { 2, 4 })
            Assertions.Close(expected, Run(x, k, bias, activation, padding, tile), Tolerance(tile), $"F({tile}×{tile}, 3×3)");
    }

    [Fact]
    public void ResNetSizedLayerStaysWellInsideKerasTolerance()
    {
        // A ResNet stage-2 layer with post-relu inputs and He-scaled weights; Keras fixtures are held to 1e-4.
        const int c = 128;
        var x = Ops.Relu(Tensor.RandomUniform([1, 14, 14, c], -0.5f, 1.5f, new Generator(4)));
        float limit = MathF.Sqrt(6f / (9 * c));
        var k = Tensor.RandomUniform([3, 3, c, c], -limit, limit, new Generator(5));
        var expected = Reference(x, k, null, "linear", "same");
        foreach (int tile in new[] { 2, 4 })
        {
            var y = Run(x, k, null, "linear", "same", tile);
            double worst = 0;
            for (int i = 0; i < y.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - expected[i]) / (1 + Math.Abs(expected[i])));
            Assert.True(worst < Tolerance(tile), $"F({tile}×{tile}, 3×3): expected error below {Tolerance(tile)} of 1 + |y|, got {worst:E2}.");
        }
    }

    [Fact]
    public void Conv2DTakesTheWinogradPathWhereItPays()
    {
        var x = Tensor.RandomUniform([2, 9, 10, 32], -1, 1, new Generator(6));
        var k = Tensor.RandomUniform([3, 3, 32, 48], -0.3f, 0.3f, new Generator(7));
        var bias = Tensor.RandomUniform([48], -0.5f, 0.5f, new Generator(8));
        var g = Ops.Geometry(x.Shape, 3, 3, (1, 1), (1, 1), "same", "Conv2D");
        Assert.True(Winograd.Pays(g, 1, 48));
        var y = Ops.Conv2D(x, k, bias, ActivationFunction.Get("relu"), padding: "same");
        Assert.Equal(Run(x, k, bias, "relu", "same", Winograd.DefaultTile), y.ToArray());
        Assertions.Close(Reference(x, k, bias, "relu", "same"), y, Tolerance(Winograd.DefaultTile));

        // Not for strides, dilations, groups, other windows, few channels or a handful of tiles.
        var s = x.Shape;
        Assert.False(Winograd.Pays(Ops.Geometry(s, 3, 3, (2, 2), (1, 1), "same", "Conv2D"), 1, 48));
        Assert.False(Winograd.Pays(Ops.Geometry(s, 3, 3, (1, 1), (2, 2), "same", "Conv2D"), 1, 48));
        Assert.False(Winograd.Pays(g, 2, 48));
        Assert.False(Winograd.Pays(Ops.Geometry(s, 5, 5, (1, 1), (1, 1), "same", "Conv2D"), 1, 48));
        Assert.False(Winograd.Pays(g, 1, 8));
        Assert.False(Winograd.Pays(Ops.Geometry(Shape.Wrap([1, 7, 7, 512]), 3, 3, (1, 1), (1, 1), "same", "Conv2D"), 1, 512));
    }

    [Fact]
    public void AKernelBeingTrainedTakesTheWinogradPathWithNothingKept()
    {
        // 4 × 4 × 4 = 64 tiles of a 32 × 32 kernel: its transform stays in L2, so retransforming pays.
        var x = Tensor.RandomUniform([4, 14, 14, 32], -1, 1, new Generator(30));
        var k = Tensor.RandomUniform([3, 3, 32, 32], -0.3f, 0.3f, new Generator(31));
        k.RequiresGrad = true;
        var g = Ops.Geometry(x.Shape, 3, 3, (1, 1), (1, 1), "same", "Conv2D");
        Assert.True(Winograd.TrainingPays(g, 1, 32));
        var y = Ops.Conv2D(x, k, padding: "same");
        Assert.Equal(Run(x, k, null, "linear", "same", Winograd.DefaultTile), y.ToArray());
        Assertions.Close(Reference(x, k, null, "linear", "same"), y, Tolerance(Winograd.DefaultTile));
        // Transformed for this call alone: a kernel that changes at every step keeps nothing.
        Assert.False(Winograd.Remembers(k.Data));

        // The kernel gradient still comes from the inputs, whatever path the forward took.
        Ops.Sum(y).Backward();
        var expected = Tensor.Empty(k.Shape, zero: false, Device.Reference);
        Backend.For(Device.Reference).Conv2DBackwardKernel(x.To(Device.Reference), Tensor.Ones(y.Shape.ToArray(), Device.Reference), 1, g, expected);
        Assertions.Close(expected.ToArray(), k.Grad!.ToArray(), 1e-4f, "kernel gradient");

        // Not where a handful of tiles would stream a large transform for little work (7×7×512 at batch 16).
        Assert.False(Winograd.TrainingPays(Ops.Geometry(Shape.Wrap([16, 7, 7, 512]), 3, 3, (1, 1), (1, 1), "same", "Conv2D"), 1, 512));
        Assert.True(Winograd.Pays(Ops.Geometry(Shape.Wrap([16, 7, 7, 512]), 3, 3, (1, 1), (1, 1), "same", "Conv2D"), 1, 512));
    }

    [Fact]
    public void KernelChangedInPlaceIsTransformedAgain()
    {
        var x = Tensor.RandomUniform([2, 12, 12, 16], -1, 1, new Generator(9));
        var k = Tensor.RandomUniform([3, 3, 16, 16], -0.3f, 0.3f, new Generator(10));
        var first = Ops.Conv2D(x, k, padding: "same").ToArray();
        Assert.Equal(first, Ops.Conv2D(x, k, padding: "same").ToArray());
        // An optimizer step writes the same array: the kept transform must not be reused.
        var data = k.Data;
        for (int i = 0; i < data.Length; i += 7) data[i] = -data[i];
        data[^1] += 0.25f;
        var second = Ops.Conv2D(x, k, padding: "same");
        Assertions.Close(Reference(x, k, null, "linear", "same"), second, Tolerance(Winograd.DefaultTile));
        Assert.NotEqual(first, second.ToArray());
    }

    [Theory]
    [InlineData(1, 12, 12, 32, 32)]   // one block: its tiles and products shared between threads
    [InlineData(4, 30, 30, 32, 40)]   // several blocks shared between threads
    [InlineData(3, 14, 14, 256, 256)] // the large-kernel block size
    public void SameBitsForAnyThreadCount(int n, int h, int w, int c, int cout)
    {
        var x = Tensor.RandomUniform([n, h, w, c], -1, 1, new Generator(11));
        var k = Tensor.RandomUniform([3, 3, c, cout], -0.2f, 0.2f, new Generator(12));
        var bias = Tensor.RandomUniform([cout], -0.5f, 0.5f, new Generator(13));
        float[]? reference = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            float[] y;
            using (new GraftContext { Threads = threads }.Use())
                y = Run(x, k, bias, "relu", "same", Winograd.DefaultTile, keep: threads % 2 == 0);
            if (reference is null) reference = y;
            else Assert.True(reference.AsSpan().SequenceEqual(y), $"expected the same bits under {threads} threads as under 1");
        }
    }

    [Theory]
    [InlineData(2, 7, 9, 5, 3, "same")]
    [InlineData(1, 10, 6, 17, 29, "valid")]
    [InlineData(3, 13, 14, 32, 24, "same")]
    public unsafe void BackwardInputMatchesTheReferenceBackend(int n, int h, int w, int c, int cout, string padding)
    {
        var g = Ops.Geometry(Shape.Wrap([n, h, w, c]), 3, 3, (1, 1), (1, 1), padding, "Conv2D");
        var gy = Tensor.RandomUniform([n, g.OH, g.OW, cout], -1, 1, new Generator(14));
        var k = Tensor.RandomUniform([3, 3, c, cout], -0.5f, 0.5f, new Generator(15));
        var expected = Tensor.Empty(Shape.Wrap([n, h, w, c]), zero: false, Device.Reference);
        Backend.For(Device.Reference).Conv2DBackwardInput(gy.To(Device.Reference), k.To(Device.Reference), 1, g, expected);
        foreach (int tile in new[] { 2, 4 })
        {
            var gx = new float[n * h * w * c];
            fixed (float* pgy = gy.ToArray(), pk = k.ToArray(), pgx = gx)
                Winograd.BackwardInput(pgy, pk, pgx, g, cout, tile);
            Assertions.Close(expected.ToArray(), gx, Tolerance(tile), $"F({tile}×{tile}, 3×3)");
        }
    }

    [Fact]
    public void BackwardInputPaysForManyTilesOrSmallKernels()
    {
        static Conv2DGeometry Layer(int n, int size, int c) => Ops.Geometry(Shape.Wrap([n, size, size, c]), 3, 3, (1, 1), (1, 1), "same", "Conv2D");
        Assert.True(Winograd.BackwardInputPays(Layer(16, 14, 256), 1, 256));   // 256 tiles
        Assert.True(Winograd.BackwardInputPays(Layer(1, 28, 128), 1, 128));    // a kernel whose transform stays in L2
        Assert.False(Winograd.BackwardInputPays(Layer(16, 7, 512), 1, 512));   // 64 tiles streaming a 37 MB transform
        Assert.False(Winograd.BackwardInputPays(Ops.Geometry(Shape.Wrap([16, 14, 14, 256]), 3, 3, (2, 2), (1, 1), "same", "Conv2D"), 1, 256));
    }
}
