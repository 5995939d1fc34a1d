using System.Reflection;
using Graft.Autograd;
using Graft.Layers;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>Generic tests run for every entry of the layer catalog.</summary>
public class LayerCatalogTests
{
    private static Tensor Input(LayerCatalog.Entry e, int seed = 3) =>
        e.SmoothAwayFromZero ? GradCheck.AwayFromZero([2, .. e.SampleShape], seed, 0.15f, 1f) : GradCheck.Uniform([2, .. e.SampleShape], seed);

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void GradientsMatchFiniteDifferences(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var x = Input(e);
        layer.Call(x);                                    // build
        var weights = layer.Weights.Select(v => v.Value).ToArray();
        GradCheck.Check(t => layer.Call(t[0]), [x, .. weights]);
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ComputeOutputShapeMatchesTheForwardPass(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var y = layer.Call(Input(e));
        var predicted = layer.ComputeOutputShape([null, .. e.SampleShape.Select(d => (int?)d)]);
        Assert.Equal(Layer.FormatShape([null, .. y.Shape.Dims[1..].Select(d => (int?)d)]), Layer.FormatShape(predicted));
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ConfigRoundTripGivesTheSameLayer(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var x = Input(e);
        var y = layer.Call(x);
        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.ClassName, config);
        Assert.Equal(layer.Name, copy.Name);
        copy.Call(x);
        copy.SetWeights(layer.GetWeights());
        Assert.Equal(y.ToArray(), copy.Call(x).ToArray());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void FrozenLayerGetsNoWeightGradients(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var x = Input(e);
        layer.Call(x);
        layer.Trainable = false;
        Assert.Empty(layer.TrainableWeights);
        Assert.Equal(layer.Weights.Count, layer.NonTrainableWeights.Count);
    }

    [Fact]
    public void EveryPublicLayerIsInTheCatalog()
    {
        var layerTypes = typeof(Layer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t) && !typeof(Model).IsAssignableFrom(t))
            .Select(t => t.Name).ToHashSet();
        var covered = LayerCatalog.All.Select(e => e.Create().GetType().Name).ToHashSet();
        Assert.Empty(layerTypes.Except(covered));
        foreach (var name in layerTypes) Assert.True(LayerRegistry.IsKnown(name), $"{name} has no registry entry");
    }
}
