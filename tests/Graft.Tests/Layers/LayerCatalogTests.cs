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
    private static Tensor Input(LayerCatalog.Entry e, int seed = 3)
    {
        int[] shape = [2, .. e.SampleShape];
        if (e.Ids > 0)
            return Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (float)((i * 7 + seed) % e.Ids)).ToArray(), shape);
        if (e.Distinct)
        {
            // Distinct values, spaced wider than the finite-difference step, so max/min winners are stable.
            int n = shape.Aggregate(1, (a, b) => a * b);
            return Tensor.FromArray(new Generator(seed).Permutation(n).Select(v => v * 0.05f - n * 0.025f).ToArray(), shape);
        }
        return e.SmoothAwayFromZero ? GradCheck.AwayFromZero(shape, seed, 0.15f, 1f) : GradCheck.Uniform(shape, seed);
    }

    // With distinct values, each input is shifted by a fraction of the spacing so no two inputs tie.
    private static Tensor[] Inputs(LayerCatalog.Entry e) =>
        Enumerable.Range(0, e.Inputs).Select(i => e.Distinct ? Input(e, 3 + 17 * i) + 0.013f * i : Input(e, 3 + 17 * i)).ToArray();

    private static Tensor Run(Layer layer, Tensor[] xs, bool training = false) =>
        layer is Graft.Layers.Merging.Merge m ? m.Call(xs, training) : layer.Call(xs[0], training);

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void GradientsMatchFiniteDifferences(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var xs = Inputs(e);
        Run(layer, xs);                                   // build
        var weights = layer.Weights.Where(v => v.Trainable).Select(v => v.Value).ToArray();
        if (e.Ids > 0) GradCheck.Check(t => Run(layer, xs), weights);   // ids are not differentiable
        else GradCheck.Check(t => Run(layer, t[..e.Inputs]), [.. xs, .. weights]);
        if (layer is Graft.Layers.Normalization.BatchNormalization)
            GradCheck.Check(t => Run(layer, t[..e.Inputs], training: true), [.. Inputs(e), .. weights]);
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ComputeOutputShapeMatchesTheForwardPass(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var y = Run(layer, Inputs(e));
        int?[] sample = [null, .. e.SampleShape.Select(d => (int?)d)];
        var predicted = layer is Graft.Layers.Merging.Merge m ? m.ComputeOutputShape(Enumerable.Repeat(sample, e.Inputs).ToList()) : layer.ComputeOutputShape(sample);
        Assert.Equal(Layer.FormatShape([null, .. y.Shape.Dims[1..].Select(d => (int?)d)]), Layer.FormatShape(predicted));
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ConfigRoundTripGivesTheSameLayer(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var xs = Inputs(e);
        var y = Run(layer, xs);
        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.ClassName, config);
        Assert.Equal(layer.Name, copy.Name);
        Run(copy, xs);
        copy.SetWeights(layer.GetWeights());
        Assert.Equal(y.ToArray(), Run(copy, xs).ToArray());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void FrozenLayerGetsNoWeightGradients(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        Run(layer, Inputs(e));
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
