using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using PureHDF;

namespace Graft.Tests.Saving;

/// <summary>
/// A model built from data (no declared input shape) keeps its input shape through Save and Load,
/// and a file whose weights a model cannot place fails instead of loading with fresh weights.
/// </summary>
public class SeedModelSaveTests
{
    /// <summary>The seed scenario: model A built by Fit (Flatten first, no input shape), B = A's body + a new head.</summary>
    private static Sequential SeedModelB()
    {
        var gen = new Generator(7);
        var x = Tensor.RandomNormal([64, 28, 28], generator: gen);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray(), 64);
        var a = new Sequential([new Flatten(), new Dense(16, activation: "relu"), new Dense(10, activation: "softmax")]);
        a.Compile("sparse_categorical_crossentropy", "adam");
        a.Fit(x, y, epochs: 1, verbose: 0);
        var b = new Sequential(a.Layers[..^1]);
        b.Add(new Dense(1, activation: "sigmoid"));
        return b;
    }

    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void SeedModelLoadsWithItsWeights(string extension)
    {
        var b = SeedModelB();
        string path = Temp(extension);
        try
        {
            b.Save(path);
            var loaded = Model.Load(path);
            Assert.True(loaded.Built);
            Assert.Equal(b.InputShape, loaded.InputShape);
            var x = Tensor.RandomNormal([5, 28, 28], generator: new Generator(3));
            Assert.Equal(b.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal(b.GetWeights().Select(w => w.ToArray()), loaded.GetWeights().Select(w => w.ToArray()));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void KerasConfigHasInputLayerAndBuildConfigsAsKeras3Writes()
    {
        var b = SeedModelB();
        var config = ModelConfig.Serialize(b);
        Assert.Equal(new JsonArray(null, 28, 28).ToJsonString(), config["build_config"]!["input_shape"]!.ToJsonString());
        var layers = config["config"]!["layers"]!.AsArray();
        Assert.Equal("InputLayer", layers[0]!["class_name"]!.GetValue<string>());
        Assert.Equal("[null,28,28]", layers[0]!["config"]!["batch_shape"]!.ToJsonString());
        Assert.Equal("[null,28,28]", layers[1]!["build_config"]!["input_shape"]!.ToJsonString());
        Assert.Equal("[null,784]", layers[2]!["build_config"]!["input_shape"]!.ToJsonString());
        Assert.Equal("[null,28,28]", config["config"]!["build_input_shape"]!.ToJsonString());
        Assert.All(layers.Skip(1), l => Assert.Null(l!["config"]!["batch_input_shape"]));
    }

    [Fact]
    public void H5ConfigHasBatchInputShapeOnTheFirstLayerAsKeras2Writes()
    {
        var b = SeedModelB();
        string path = Temp(".h5");
        try
        {
            b.Save(path);
            using var f = H5File.OpenRead(path);
            var config = JsonNode.Parse(f.Attribute("model_config").Read<string>())!;
            var layers = config["config"]!["layers"]!.AsArray();
            Assert.Equal(["Flatten", "Dense", "Dense"], layers.Select(l => l!["class_name"]!.GetValue<string>()));
            Assert.Equal("[null,28,28]", layers[0]!["config"]!["batch_input_shape"]!.ToJsonString());
            Assert.Equal("[null,28,28]", config["config"]!["build_input_shape"]!.ToJsonString());
            Assert.All(layers, l => Assert.Equal(["class_name", "config"], l!.AsObject().Select(p => p.Key)));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("k3.1.1_Moonflower_mnist_cnn.keras", 28)]
    [InlineData("k3.9.2_sudo-sidd_cifar10_cnn.keras", 32)]
    [InlineData("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.keras", 187)]
    public void SeedScenarioOnKeras3ModelsRoundTripsThroughBothFormats(string file, int size)
    {
        // The seed scenario with a real Keras 3 model as model A: its body, shared, under a new head.
        var a = Model.Load(Fixtures.Keras(file), compile: false);
        var b = new Sequential(a.Layers[..^1]);
        b.Add(new Dense(1, activation: "sigmoid"));
        int[] sample = b.InputShape!.Skip(1).Select(d => d!.Value).ToArray();
        Assert.Equal(size, sample[0]);
        var x = Tensor.RandomNormal([2, .. sample], generator: new Generator(11));
        var expected = b.Predict(x).ToArray();
        foreach (var extension in new[] { ".keras", ".h5" })
        {
            string path = Temp(extension);
            try
            {
                b.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(expected, loaded.Predict(x).ToArray());
                Assert.Equal(b.GetWeights().Select(w => w.ToArray()), loaded.GetWeights().Select(w => w.ToArray()));
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void ANewLayerAfterLoadingGetsAFreshName()
    {
        var loaded = Model.Load(Fixtures.Keras("k3.8.0_CodingRayyan_gru.keras"), compile: false);
        var head = new Dense(1);
        Assert.DoesNotContain(head.Name, loaded.Layers.Select(l => l.Name));
    }

    [Fact]
    public void H5SaveRefusesDuplicateLayerNames()
    {
        var model = new Sequential([new Dense(2, inputShape: [3], name: "same"), new Dense(2, name: "same")]);
        string path = Temp(".h5");
        var e = Assert.Throws<InvalidOperationException>(() => model.Save(path));
        Assert.Contains("'same' 2 times", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void WeightsOfAnUnbuiltLayerAreAFormatErrorNotFreshWeights()
    {
        var b = SeedModelB();
        string path = Temp(".keras");
        string broken = Temp(".keras");
        try
        {
            b.Save(path);
            // The config as a writer that forgets the input shape would leave it.
            KerasArchive.EditConfig(path, broken, config =>
            {
                config.Remove("build_config");
                var inner = config["config"]!.AsObject();
                inner.Remove("build_input_shape");
                var layers = inner["layers"]!.AsArray();
                layers.RemoveAt(0);
                foreach (var l in layers) l!.AsObject().Remove("build_config");
            });
            var ex = Assert.Throws<ModelFormatException>(() => Model.Load(broken));
            Assert.Contains("/layers/dense", ex.Message);
            Assert.Contains("not built", ex.Message);
        }
        finally { File.Delete(path); File.Delete(broken); }
    }

    [Theory]
    [InlineData(".weights.h5")]
    [InlineData(".h5")]
    public void LoadingWeightsIntoAnUnbuiltModelSaysSo(string extension)
    {
        var b = SeedModelB();
        string path = Temp(extension);
        try
        {
            b.SaveWeights(path);
            var unbuilt = new Sequential([new Flatten(), new Dense(16, activation: "relu"), new Dense(1, activation: "sigmoid")]);
            var e = Assert.Throws<ModelFormatException>(() => unbuilt.LoadWeights(path));
            Assert.Contains("not built", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AModelWithFewerLayersThanTheFileCannotTakeItsWeights()
    {
        var b = SeedModelB();
        string path = Temp(".weights.h5");
        try
        {
            b.SaveWeights(path);
            var smaller = new Sequential([new Flatten(inputShape: [28, 28]), new Dense(16, activation: "relu")]);
            var ex = Assert.Throws<ModelFormatException>(() => smaller.LoadWeights(path));
            Assert.Contains("/layers/dense_1/vars/0", ex.Message);
            Assert.Contains("none takes", ex.Message);
        }
        finally { File.Delete(path); }
    }
}
