using Graft.Initializers;
using Graft.Layers.Convolutional;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>Conv1DTranspose (each input step scatters the kernel, scaled, at stride spacing) and DepthwiseConv1D on hand-computed cases.</summary>
public class Conv1DTransposeTests
{
    [Fact]
    public void EachStepPlacesTheScaledKernel()
    {
        // One channel, kernel [1, 10], stride 2, valid: [1, 2] → [1·1, 1·10, 2·1, 2·10].
        var layer = new Conv1DTranspose(1, 2, strides: 2, useBias: false);
        var x = Tensor.FromArray([1f, 2f], 1, 2, 1);
        layer.Call(x);
        layer.SetWeights([Tensor.FromArray([1f, 10f], 2, 1, 1)]);
        Assert.Equal([1f, 10f, 2f, 20f], layer.Call(x).ToArray());
        // Stride 1 with overlap: [1, 2] * [1, 10] → [1, 12, 20], plus the bias.
        var overlap = new Conv1DTranspose(1, 2, biasInitializer: new Constant(0.5f));
        overlap.Call(x);
        overlap.SetWeights([Tensor.FromArray([1f, 10f], 2, 1, 1), Tensor.FromArray([0.5f], 1)]);
        Assertions.Close([1.5f, 12.5f, 20.5f], overlap.Call(x));
    }

    [Fact]
    public void DepthwiseConv1DConvolvesEachChannelWithItsOwnFilters()
    {
        // Two channels, kernel 2, multiplier 1: channel 0 with [1, 10], channel 1 with [2, 0].
        var layer = new DepthwiseConv1D(2, useBias: false);
        var x = Tensor.FromArray([1f, 5f, 2f, 6f, 3f, 7f], 1, 3, 2);
        layer.Call(x);
        layer.SetWeights([Tensor.FromArray([1f, 2f, 10f, 0f], 2, 2, 1)]);
        Assert.Equal([1 + 20f, 10f, 2 + 30f, 12f], layer.Call(x).ToArray());
    }

    [Fact]
    public void OutputPaddingAddsCellsAtTheEnd()
    {
        // Kernel [1, 10], stride 3, valid: [1, 2] → [1, 10, 0, 2, 20] by default ((n − 1)·s + max(k, s) = 6 with a
        // trailing 0), and (n − 1)·s + k + p = 5 + p cells with output_padding p.
        var x = Tensor.FromArray([1f, 2f], 1, 2, 1);
        Tensor Run(Conv1DTranspose layer) { layer.Call(x); layer.SetWeights([Tensor.FromArray([1f, 10f], 2, 1, 1)]); return layer.Call(x); }
        Assert.Equal([1f, 10f, 0f, 2f, 20f, 0f], Run(new Conv1DTranspose(1, 2, strides: 3, useBias: false)).ToArray());
        Assert.Equal([1f, 10f, 0f, 2f, 20f], Run(new Conv1DTranspose(1, 2, strides: 3, useBias: false, outputPadding: 0)).ToArray());
        Assert.Equal([1f, 10f, 0f, 2f, 20f, 0f, 0f], Run(new Conv1DTranspose(1, 2, strides: 3, useBias: false, outputPadding: 2)).ToArray());
        // "same" with p: (n − 1)·s + k mod 2 + p = 3 + 0 + 1 cells, the full [1, 10, 0, 2, 20] cropped by ⌊(5 − 4)/2⌋ = 0 at the start.
        Assert.Equal([1f, 10f, 0f, 2f], Run(new Conv1DTranspose(1, 2, strides: 3, padding: "same", useBias: false, outputPadding: 1)).ToArray());
        Assert.Equal([null, 7, 1], new Conv1DTranspose(1, 2, strides: 3, outputPadding: 2).ComputeOutputShape([null, 2, 1]));
    }

    [Fact]
    public void OutputPaddingMustBeBelowTheStride()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv1DTranspose(1, 2, strides: 2, outputPadding: 2));
        Assert.Contains("output_padding", e.Message);
        Assert.Contains("strides", e.Message);
        Assert.Throws<ArgumentException>(() => new Conv2DTranspose(1, 2, strides: [2, 1], outputPadding: [1, 1]));
        Assert.Throws<ArgumentException>(() => new Conv3DTranspose(1, 2, strides: 2, outputPadding: [1, 2, 1]));
        // "same", an even kernel and no padding: (n − 1)·s cells, which TensorFlow's same convolution maps to n − 1.
        var even = new Conv1DTranspose(1, 2, strides: 2, padding: "same", outputPadding: 0);
        e = Assert.Throws<ArgumentException>(() => even.ComputeOutputShape([null, 3, 1]));
        Assert.Contains("even", e.Message);
        // With output_padding 1: (3 − 1)·2 + 2 mod 2 + 1 = 5 cells.
        Assert.Equal([null, 5, 1], new Conv1DTranspose(1, 2, strides: 2, padding: "same", outputPadding: 1).ComputeOutputShape([null, 3, 1]));
    }
}
