using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Layers;

/// <summary>LayerScale and StochasticDepth, the two layers Keras's ConvNeXt defines for itself.</summary>
public class ConvNeXtLayerTests
{
    [Fact]
    public void LayerScaleMultipliesEachFeatureByItsOwnScale()
    {
        var layer = new LayerScale(0.5, 3);
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        layer.Call(x);
        layer.SetWeights([Tensor.FromArray([1f, 10f, 100f], 3)]);
        Assert.Equal([1f, 20f, 300f, 4f, 50f, 600f], layer.Call(x).ToArray());
        Assert.Equal("gamma", layer.Weights[0].Name);
        Assert.True(layer.Weights[0].Trainable);
    }

    [Fact]
    public void LayerScaleStartsAtInitValuesAndChecksTheFeatureCount()
    {
        var layer = new LayerScale(1e-6, 4);
        layer.Call(Tensor.Ones([2, 5, 4]));
        Assert.All(layer.Gamma!.Value.ToArray(), v => Assert.Equal(1e-6f, v));
        var e = Assert.Throws<ArgumentException>(() => new LayerScale(0.1, 4, name: "ls").Call(Tensor.Ones([2, 3])));
        Assert.Contains("'ls'", e.Message);
        Assert.Contains("projection_dim = 4", e.Message);
    }

    [Fact]
    public void StochasticDepthDropsWholeSamplesInTrainingOnly()
    {
        using var context = new GraftContext(seed: 3).Use();
        var layer = new StochasticDepth(0.25);
        var x = Tensor.Ones([400, 2, 3]);
        Assert.Equal(x.ToArray(), layer.Call(x, training: false).ToArray());
        var y = layer.Call(x, training: true).ToArray();
        int dropped = 0;
        for (int n = 0; n < 400; n++)
        {
            var sample = y.AsSpan(n * 6, 6).ToArray();
            // Every element of a sample shares its fate: all zero, or all scaled by 1 / (1 − rate).
            Assert.True(sample.All(v => v == 0f) || sample.All(v => Math.Abs(v - 1f / 0.75f) < 1e-6f), $"sample {n}: [{string.Join(", ", sample)}]");
            if (sample[0] == 0f) dropped++;
        }
        Assert.InRange(dropped, 70, 130);   // 100 expected; the binomial's standard deviation is 8.7
        Assert.Throws<ArgumentOutOfRangeException>(() => new StochasticDepth(1.0));
    }

    [Fact]
    public void KerasConfigsOfConvNeXtsLayersLoad()
    {
        // What Keras's get_config writes for them (their module is keras.src.applications.convnext).
        var scale = LayerRegistry.FromConfig("LayerScale", JsonNode.Parse("""{"name": "convnext_tiny_stage_0_block_0_layer_scale", "trainable": true, "dtype": "float32", "init_values": 1e-06, "projection_dim": 96}""")!.AsObject());
        var ls = Assert.IsType<LayerScale>(scale);
        Assert.Equal((1e-6, 96, "convnext_tiny_stage_0_block_0_layer_scale"), (ls.InitValues, ls.ProjectionDim, ls.Name));
        Assert.Equal(96, ls.GetConfig()["projection_dim"]!.GetValue<int>());
        var depth = Assert.IsType<StochasticDepth>(LayerRegistry.FromConfig("StochasticDepth", JsonNode.Parse("""{"name": "sd", "trainable": true, "dtype": "float32", "drop_path_rate": 0.1}""")!.AsObject()));
        Assert.Equal(0.1, depth.DropPathRate);
        Assert.Equal(0.1, depth.GetConfig()["drop_path_rate"]!.GetValue<double>());
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void AModelWithBothSavesAndLoadsInKerasFormats(string extension)
    {
        var input = Keras.Input([3, 4]);
        var branch = new LayerScale(0.5, 4, name: "scale").Call(new Dense(4, name: "dense").Call(input));
        var model = new Model(input, new StochasticDepth(0.2, name: "drop").Call(branch));
        model.Layers[2].SetWeights([Tensor.FromArray([1f, -2f, 3f, 0.5f], 4)]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-convnext-layers-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            var x = Tensor.RandomNormal([2, 3, 4], generator: new Generator(1));
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal(0.2, Assert.IsType<StochasticDepth>(loaded.GetLayer("drop")).DropPathRate);
            Assert.Equal([1f, -2f, 3f, 0.5f], Assert.IsType<LayerScale>(loaded.GetLayer("scale")).Gamma!.Value.ToArray());
        }
        finally { File.Delete(path); }
    }
}
