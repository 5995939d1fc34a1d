using System.Text.Json.Nodes;
using Graft.Layers.Preprocessing;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Layers;

public class RescalingTests
{
    [Fact]
    public void PerChannelScalesBroadcastOverTheLastAxis()
    {
        var y = new Rescaling([1f, 10f, 100f], offset: 1f).Call(Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3)).ToArray();
        Assert.Equal([2f, 21f, 301f, 5f, 51f, 601f], y);
    }

    [Fact]
    public void KerasListScaleConfigRoundTrips()
    {
        var layer = (Rescaling)LayerRegistry.FromConfig("Rescaling", JsonNode.Parse("""{"name": "rescaling_1", "scale": [2.0, 3.0], "offset": 0.0}""")!.AsObject());
        Assert.Equal([2f, 3f], layer.Scales!);
        Assert.Equal("[2,3]", layer.GetConfig()["scale"]!.ToJsonString());
        Assert.Equal("0.5", new Rescaling(0.5f).GetConfig()["scale"]!.ToJsonString());
        Assert.Throws<ArgumentException>(() => layer.Call(Tensor.FromArray(new float[3], 1, 3)));
    }
}
