using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Layers;

public class NormalizationTests
{
    // Three samples of two features: feature 0 is (1, 2, 6), feature 1 is (10, 10, 40).
    private static Tensor Data() => Tensor.FromArray([1, 10, 2, 10, 6, 40], 3, 2);

    [Fact]
    public void AdaptSetsThePopulationMeanAndVariancePerFeature()
    {
        var layer = new Normalization();
        layer.Adapt(Data());
        Assert.Equal([3f, 20f], layer.Mean!.Value.ToArray());
        // np.var: mean of squared deviations, (4 + 1 + 9) / 3 and (100 + 100 + 400) / 3.
        var variance = layer.Variance!.Value.ToArray();
        Assert.Equal(14f / 3, variance[0], 4);
        Assert.Equal(200f, variance[1], 3);
        var y = layer.Call(Tensor.FromArray([3, 20, 6, 40], 2, 2)).ToArray();
        Assert.Equal([0f, 0f, 3f / MathF.Sqrt(14f / 3), 20f / MathF.Sqrt(200f)], y, new Close(1e-5f));
    }

    [Fact]
    public void WeightsAreKerasMeanVarianceAndCountNotTrainable()
    {
        var layer = new Normalization(axis: [-1], inputShape: [5, 3]);
        Assert.Equal(["mean", "variance", "count"], layer.Weights.Select(w => w.Name));
        Assert.All(layer.Weights, w => Assert.False(w.Trainable));
        Assert.Equal(3 + 3 + 1, layer.CountParams());
        Assert.Empty(new Normalization(mean: [0f, 1f, 2f], variance: [1f, 1f, 1f], inputShape: [3]).Weights);
    }

    [Fact]
    public void FixedStatisticsAndInvertRoundTrip()
    {
        var x = Tensor.FromArray([1, 5, 9, 2, 0, -4], 2, 3);
        var norm = new Normalization(mean: [1f, 2f, 3f], variance: [4f, 9f, 16f]);
        var y = norm.Call(x);
        Assert.Equal([0f, 1f, 1.5f, 0.5f, -2f / 3, -7f / 4], y.ToArray(), new Close(1e-6f));
        var back = new Normalization(mean: [1f, 2f, 3f], variance: [4f, 9f, 16f], invert: true).Call(y);
        Assert.Equal(x.ToArray(), back.ToArray(), new Close(1e-5f));
    }

    [Fact]
    public void ConstantFeaturesAreNotDividedByZero()
    {
        var layer = new Normalization();
        layer.Adapt(Tensor.FromArray([2, 2, 2, 2], 2, 2));
        Assert.All(layer.Call(Tensor.FromArray([2, 2], 1, 2)).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AdaptedStatisticsSurviveKerasFilesAndConfig()
    {
        var input = Keras.Input([2]);
        var norm = new Normalization(name: "norm");
        var model = new Model(input, norm.Call(input));
        norm.Adapt(Data());
        string dir = Directory.CreateTempSubdirectory("graft-norm").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                string path = Path.Combine(dir, file);
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(norm.Mean!.Value.ToArray(), ((Normalization)loaded.GetLayer("norm")).Mean!.Value.ToArray());
                var x = Tensor.FromArray([0, 0, 5, 5], 2, 2);
                Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ReadsKerasConfigs()
    {
        // As Keras 3 writes them: axis a list, mean and variance null or (nested) lists.
        var adapted = (Normalization)LayerRegistry.FromConfig("Normalization", JsonNode.Parse("""
            {"name": "normalization", "trainable": true, "dtype": "float32", "axis": [-1], "invert": false, "mean": null, "variance": null}
            """)!.AsObject());
        Assert.Equal([-1], adapted.Axis);
        Assert.Null(adapted.InputMean);
        var fixedStats = (Normalization)LayerRegistry.FromConfig("Normalization", JsonNode.Parse("""
            {"name": "n2", "axis": [1], "invert": true, "mean": [[0.5, 1.5]], "variance": [[4.0, 9.0]]}
            """)!.AsObject());
        Assert.Equal([0.5f, 1.5f], fixedStats.InputMean!);
        Assert.True(fixedStats.Invert);
        var config = fixedStats.GetConfig();
        Assert.Equal("[1]", config["axis"]!.ToJsonString());
        Assert.Equal("[4,9]", config["variance"]!.ToJsonString());
    }

    [Fact]
    public void MisuseIsNamed()
    {
        Assert.Throws<ArgumentException>(() => new Normalization(mean: [1f]));
        Assert.Throws<ArgumentException>(() => new Normalization(mean: [1f, 2f], variance: [1f]));
        var fixedStats = new Normalization(mean: [1f, 2f], variance: [1f, 1f]);
        Assert.Contains("Adapt: expected a layer without fixed mean and variance",
            Assert.Throws<InvalidOperationException>(() => fixedStats.Adapt(Data())).Message);
        var adapted = new Normalization();
        adapted.Adapt(Data());
        Assert.Throws<ArgumentException>(() => adapted.Adapt(Tensor.FromArray(new float[9], 3, 3)));
        Assert.Throws<ArgumentException>(() => new Normalization(axis: [2], inputShape: [4]));
    }

    private sealed class Close(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
