using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using PureHDF;

namespace Graft.Tests.Saving;

/// <summary>Real Keras files load and reproduce Keras's predictions; Graft's files round-trip.</summary>
public class KerasFileTests
{
    private const float Tolerance = 1e-4f;

    private static void PredictionsMatch(Model model, string io)
    {
        string input = Fixtures.IoNames(io, "inputs")[0];
        string output = Fixtures.IoNames(io, "predictions")[0];
        var x = Fixtures.IoDataset(io, "inputs/" + input);
        var expected = Fixtures.IoDataset(io, "predictions/" + output);
        var y = model.Predict(x);
        Assert.Equal(expected.Shape, y.Shape);
        Assertions.Close(expected.ToArray(), y.ToArray(), Tolerance, $"{io} predictions");
    }

    [Theory]
    [InlineData("k2.3.1_dl4j_dense_softmax.h5", "k2.3.1_dl4j_dense_softmax.io.h5")]
    [InlineData("k2.3.1_dl4j_dense_leakyrelu.h5", "k2.3.1_dl4j_dense_leakyrelu.io.h5")]
    public void FullH5ModelsReproduceKerasPredictions(string file, string io)
    {
        var model = Model.Load(Fixtures.Keras(file));
        PredictionsMatch(model, io);
    }

    [Theory]
    [InlineData("k2.0.6_dl4j_mnist_mlp_tf")]   // Keras 2.0.6
    [InlineData("k1_dl4j_mnist_mlp_tf")]        // Keras 1: output_dim, init, p, dense_1_W names
    public void JsonPlusWeightsReproduceKerasPredictions(string stem)
    {
        var model = Model.FromJson(File.ReadAllText(Fixtures.Keras(stem + ".config.json")));
        model.LoadWeights(Fixtures.Keras(stem + ".weights.h5"));
        PredictionsMatch(model, stem + ".io.h5");
    }

    [Fact]
    public void WeightsOnlyTwinEqualsFullModel()
    {
        var full = Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_leakyrelu.h5"));
        var twin = full.Clone();
        twin.LoadWeights(Fixtures.Keras("k2.3.1_dl4j_dense_leakyrelu.weights.h5"));
        Assert.Equal(full.GetWeights().Select(w => w.ToArray()), twin.GetWeights().Select(w => w.ToArray()));
    }

    [Fact]
    public void TrainingConfigIsRestored()
    {
        var model = Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"));
        Assert.True(model.IsCompiled);
        Assert.Equal("RMSprop", model.Optimizer!.Name);
        Assert.False(Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), compile: false).IsCompiled);
    }

    /// <summary>Dense layer <paramref name="group"/> of a <c>.keras</c> file's weights (kernel <c>vars/0</c>, bias <c>vars/1</c>), as stored.</summary>
    internal static ReferenceMlp.Layer StoredDense(H5Tree weights, string group, string activation)
    {
        var vars = weights.Group(group)?.Group("vars") ?? throw new Xunit.Sdk.XunitException($"expected the group '{group}/vars' in the stored weights, got none.");
        return new(Fixtures.Floats(vars, "0"), Fixtures.Floats(vars, "1"), activation);
    }

    [Fact]
    public void KerasZipFromTfKeras215Loads()
    {
        // Saved on Windows: weight groups are single names with a backslash ("layers\dense").
        const string file = "tfk2.15.0_Abhaypandy_churn_mlp.keras";
        var model = Model.Load(Fixtures.Keras(file));
        Assert.Equal(3, model.Layers.Count);
        // The model computes what the stored arrays compute when each is put in its layer (MANIFEST:
        // Dense(64, relu) > Dense(32, relu) > Dense(1, sigmoid)).
        var stored = Fixtures.KerasZipWeights(file);
        var x = Tensor.RandomNormal([16, 12], generator: new Generator(4));
        var expected = ReferenceMlp.Predict(x.ToArray(), 12,
            [StoredDense(stored, "layers\\dense", "relu"), StoredDense(stored, "layers\\dense_1", "relu"), StoredDense(stored, "layers\\dense_2", "sigmoid")]);
        // Outputs spread over (0, 1), so a comparison at this tolerance tells weights apart.
        Assert.True(expected.Max() - expected.Min() > 0.1f, $"{file}: expected reference outputs that vary, got [{expected.Min()}, {expected.Max()}].");
        Assertions.Close(expected, model.Predict(x).ToArray(), Tolerance, file);
    }

    [Fact]
    public void ContentDecidesTheFormatNotTheExtension()
    {
        string tmp = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.bin");
        try
        {
            File.Copy(Fixtures.Keras("tfk2.15.0_Abhaypandy_churn_mlp.keras"), tmp);
            Assert.Equal(3, Model.Load(tmp).Layers.Count);
            File.Copy(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), tmp, overwrite: true);
            Assert.Equal(2, Model.Load(tmp).Layers.Count);
        }
        finally { File.Delete(tmp); }
    }

    [Theory]
    [InlineData(".h5")]
    [InlineData(".keras")]
    public void SaveThenLoadGivesTheSamePredictionsAndFlags(string extension)
    {
        var model = new Sequential([new Dense(16, activation: "relu", inputShape: [5]), new Dropout(0.3f), new Dense(3, activation: "softmax")], name: "roundtrip");
        model.Layers[0].Trainable = false;
        model.Compile("sparse_categorical_crossentropy", new Graft.Optimizers.Adam(0.01), ["accuracy"]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            var x = Tensor.RandomNormal([7, 5]);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal(model.Layers.Select(l => l.Trainable), loaded.Layers.Select(l => l.Trainable));
            Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
            Assert.True(loaded.IsCompiled);
            Assert.Equal("sparse_categorical_crossentropy", loaded.Loss!.Name);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void SavedH5HasKerasLegacyStructure()
    {
        var model = new Sequential([new Dense(4, inputShape: [3], name: "d_in"), new Dense(2, name: "d_out")]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.h5");
        try
        {
            model.Save(path);
            using var f = PureHDF.H5File.OpenRead(path);
            foreach (var attr in new[] { "model_config", "keras_version", "backend" }) Assert.True(f.AttributeExists(attr), attr);
            var mw = f.Group("model_weights");
            Assert.Equal(["d_in", "d_out"], mw.Attribute("layer_names").Read<string[]>());
            Assert.Equal(["d_in/kernel:0", "d_in/bias:0"], mw.Group("d_in").Attribute("weight_names").Read<string[]>());
            var kernel = mw.Group("d_in").Dataset("d_in/kernel:0");
            Assert.Equal([3UL, 4UL], kernel.Space.Dimensions);
            Assert.Equal(model.GetWeights()[0].ToArray(), kernel.Read<float[]>());
            var config = System.Text.Json.Nodes.JsonNode.Parse(f.Attribute("model_config").Read<string>())!;
            Assert.Equal("Sequential", config["class_name"]!.GetValue<string>());
            Assert.Equal("Dense", config["config"]!["layers"]![0]!["class_name"]!.GetValue<string>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadWeightsByNameIntoANewHead()
    {
        var source = new Sequential([new Dense(4, inputShape: [3], name: "body"), new Dense(2, name: "head")]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.h5");
        try
        {
            source.SaveWeights(path);
            var target = new Sequential([new Dense(4, inputShape: [3], name: "body"), new Dense(5, name: "head")]);
            var ex = Assert.Throws<ModelFormatException>(() => target.LoadWeights(path, byName: true));
            Assert.Contains("head", ex.Message);
            target.LoadWeights(path, byName: true, skipMismatch: true);
            Assert.Equal(source.Layers[0].GetWeights()[0].ToArray(), target.Layers[0].GetWeights()[0].ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AFailedSaveKeepsThePreviousFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.h5");
        try
        {
            File.WriteAllText(path, "previous");
            Assert.Throws<IOException>(() => AtomicFile.Write(path, s => { s.Write(new byte[100]); throw new IOException("disk full"); }));
            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}*"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void BadFilesAreExplained()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.h5");
        try
        {
            File.WriteAllText(path, "not a model");
            var ex = Assert.Throws<ModelFormatException>(() => Model.Load(path));
            Assert.Contains(path, ex.Message);
            Assert.Contains("expected a Keras model file", ex.Message);
            Assert.Contains("weights-only file", Assert.Throws<ModelFormatException>(() => Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_softmax.weights.h5"))).Message);
            Assert.Contains("no such file", Assert.Throws<FileNotFoundException>(() => Model.Load(path + ".missing")).Message);
        }
        finally { File.Delete(path); }
    }
}

public class NestedAndCustomTests
{
    [Fact]
    public void NestedModelWithBatchNormRoundTripsInLegacyH5()
    {
        var inner = new Graft.Models.Sequential([
            new Graft.Layers.Core.Dense(4, inputShape: [3], name: "in_dense"),
            new Graft.Layers.Normalization.BatchNormalization(name: "in_bn"),
            new Graft.Layers.Core.Dense(2, name: "in_out")], name: "inner_base");
        var outer = new Graft.Models.Sequential([inner, new Graft.Layers.Core.Dense(1, name: "head")], name: "outer");
        // Give the moving statistics non-default values so a misordered load would show.
        var bn = (Graft.Layers.Normalization.BatchNormalization)inner.Layers[1];
        bn.MovingMean!.Assign(Tensor.FromArray([0.5f, -1f, 2f, 0.1f], 4));
        bn.MovingVariance!.Assign(Tensor.FromArray([1.5f, 2f, 0.5f, 3f], 4));
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.h5");
        try
        {
            outer.Save(path);
            var loaded = Graft.Models.Model.Load(path);
            var x = Tensor.RandomNormal([5, 3]);
            Assert.Equal(outer.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            using var f = PureHDF.H5File.OpenRead(path);
            var names = f.Group("model_weights").Group("inner_base").Attribute("weight_names").Read<string[]>();
            // Keras's legacy order: trainable weights of every inner layer first, then the statistics.
            Assert.Equal(["in_dense/kernel:0", "in_dense/bias:0", "in_bn/gamma:0", "in_bn/beta:0", "in_out/kernel:0", "in_out/bias:0", "in_bn/moving_mean:0", "in_bn/moving_variance:0"], names);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RegisteringACustomLayerMakesItsFileLoad()
    {
        const string name = "k3.14.1_hls4ml_qkeras_3layer_CUSTOM.keras";
        string file = Fixtures.Keras(name);
        var ex = Assert.Throws<NotSupportedException>(() => Graft.Models.Model.Load(file));
        Assert.Contains("'QDense'", ex.Message);
        Assert.Contains("LayerRegistry.Register", ex.Message);
        // A QDense holds a kernel and a bias like Dense; quantization aside, Dense can stand in for it,
        // and ReLU for QKeras's quantized_relu.
        LayerRegistry.Register("QDense", c => new Graft.Layers.Core.Dense((int)ConfigReader.Num(c["units"]!), name: c["name"]!.GetValue<string>()));
        LayerRegistry.Register("QActivation", c => new Graft.Layers.Core.Activation("relu", name: c["name"]!.GetValue<string>()));
        try
        {
            var model = Graft.Models.Model.Load(file, compile: false);
            Assert.Equal(["fc1", "relu1", "fc2", "relu2", "fc3", "relu3", "output", "softmax"], model.Layers.Select(l => l.Name));
            Assert.Equal("QDense", model.Layers[0].ClassName);
            // The file keys weights by class and counter (q_dense, q_dense_1, …), not by layer name
            // (fc1, …): the stand-ins must get the stored arrays in that order.
            var stored = Fixtures.KerasZipWeights(name).Group("layers")!;
            var x = Tensor.RandomNormal([8, 16], generator: new Generator(9));
            var expected = ReferenceMlp.Predict(x.ToArray(), 16,
                [KerasFileTests.StoredDense(stored, "q_dense", "relu"), KerasFileTests.StoredDense(stored, "q_dense_1", "relu"), KerasFileTests.StoredDense(stored, "q_dense_2", "relu"), KerasFileTests.StoredDense(stored, "q_dense_3", "softmax")]);
            Assertions.Close(expected, model.Predict(x).ToArray(), 1e-4f, name);
        }
        finally
        {
            // The registry is process-wide: leave it as the other tests expect it.
            Assert.True(LayerRegistry.Unregister("QDense"));
            Assert.True(LayerRegistry.Unregister("QActivation"));
        }
        Assert.Throws<NotSupportedException>(() => Graft.Models.Model.Load(file));
    }
}
