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
    public void OutputPaddingIsARecognisedUnsupportedFeature()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Conv1DTranspose(1, 2, outputPadding: [1]));
        Assert.Contains("output_padding", e.Message);
    }
}
