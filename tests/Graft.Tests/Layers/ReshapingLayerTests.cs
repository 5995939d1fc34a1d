using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>The 1-D and 3-D cropping, padding and upsampling layers on small hand-checked cases, and Keras's config forms.</summary>
public class ReshapingLayerTests
{
    private static Tensor Steps => Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 1, 4, 2);   // (1, 4 steps, 2 features)

    [Fact]
    public void Cropping1DCutsStepsAtEachEnd()
    {
        Assert.Equal([3f, 4f, 5f, 6f], new Cropping1D((1, 1)).Call(Steps).ToArray());
        Assert.Equal([1f, 2f], new Cropping1D((0, 3)).Call(Steps).ToArray());
        var e = Assert.Throws<ArgumentException>(() => new Cropping1D((2, 2)).Call(Steps));
        Assert.Contains("longer than the cropping", e.Message);
    }

    [Fact]
    public void ZeroPadding1DAddsZeroSteps()
    {
        Assert.Equal([0f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 0f, 0f, 0f, 0f], new ZeroPadding1D((1, 2)).Call(Steps).ToArray());
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 0f, 0f, 5f, 6f, 7f, 8f, 0f], new ZeroPadding1D(1, "channels_first").Call(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 1, 2, 4)).ToArray());
    }

    [Fact]
    public void UpSampling1DRepeatsSteps() =>
        Assert.Equal([1f, 2f, 1f, 2f, 3f, 4f, 3f, 4f, 5f, 6f, 5f, 6f, 7f, 8f, 7f, 8f], new UpSampling1D().Call(Steps).ToArray());

    [Fact]
    public void ThreeDimensionalLayersActOnTheirAxes()
    {
        var v = Tensor.FromArray(Enumerable.Range(1, 8).Select(i => (float)i).ToArray(), 1, 2, 2, 2, 1);   // (1, 2, 2, 2, 1)
        var up = new UpSampling3D((2, 1, 1)).Call(v).ToArray();
        Assert.Equal([1f, 2f, 3f, 4f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 5f, 6f, 7f, 8f], up);
        var padded = new ZeroPadding3D(((1, 0), (0, 0), (0, 0))).Call(v);
        Assert.Equal([1, 3, 2, 2, 1], padded.Shape.Dims);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], padded.ToArray());
        Assert.Equal([6f], new Cropping3D(((1, 0), (0, 1), (1, 0))).Call(v).ToArray());
    }

    [Fact]
    public void ConfigsTakeKerasForms()
    {
        var c3 = (Cropping3D)LayerRegistry.FromConfig("Cropping3D", System.Text.Json.Nodes.JsonNode.Parse("""{"name": "c", "cropping": [[1, 0], [2, 1], [0, 3]], "data_format": "channels_last"}""")!.AsObject());
        Assert.Equal(new Margins3DView(1, 0, 2, 1, 0, 3), new Margins3DView(c3.Cropping));
        Assert.Equal("[[1,0],[2,1],[0,3]]", c3.GetConfig()["cropping"]!.ToJsonString());
        var p3 = (ZeroPadding3D)LayerRegistry.FromConfig("ZeroPadding3D", System.Text.Json.Nodes.JsonNode.Parse("""{"name": "p", "padding": [1, 2, 3]}""")!.AsObject());
        Assert.Equal(new Margins3DView(1, 1, 2, 2, 3, 3), new Margins3DView(p3.Padding));
        Assert.Equal("[1,2]", new ZeroPadding1D((1, 2)).GetConfig()["padding"]!.ToJsonString());
        Assert.Equal("[1,1]", new Cropping1D().GetConfig()["cropping"]!.ToJsonString());
        Assert.Equal("2", new UpSampling1D().GetConfig()["size"]!.ToJsonString());
        Assert.Equal("[2,2,2]", new UpSampling3D().GetConfig()["size"]!.ToJsonString());
        Assert.Same(Steps.GetType(), new Identity().Call(Steps).GetType());
    }

    [Fact]
    public void UpSampling2DRejectsAnUnknownInterpolation()
    {
        var e = Assert.Throws<ArgumentException>(() => new UpSampling2D(2, interpolation: "area"));
        Assert.Contains("'area'", e.Message);
        Assertions.Close(Tensor.FromArray([1f, 1.25f, 1.75f, 2f], 1, 1, 4, 1), new UpSampling2D((1, 2), interpolation: "bilinear").Call(Tensor.FromArray([1f, 2f], 1, 1, 2, 1)));
    }

    private readonly record struct Margins3DView(int D0, int D1, int H0, int H1, int W0, int W1)
    {
        public Margins3DView(Graft.Layers.Margins3D m) : this(m.Depth.Before, m.Depth.After, m.Height.Before, m.Height.After, m.Width.Before, m.Width.After) { }
    }
}
