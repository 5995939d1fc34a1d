using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Constraints;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Recurrent;

/// <summary>
/// What the layer catalog and the TF.js goldens do not reach for ConvLSTM: Keras's option checks,
/// masks, dropout, states, Keras 2 and Keras 3 files.
/// </summary>
public class ConvLSTMTests
{
    private static Tensor Input(int[] shape, int seed) => Tensor.RandomNormal(shape, generator: new Generator(seed));

    private static ConvLSTM2D Built(ConvLSTM2D layer, int[] shape, int seed = 7)
    {
        layer.Build(shape.Select(d => (int?)d).ToArray());
        var g = new Generator(seed);
        layer.SetWeights(layer.GetWeights().Select(w => Tensor.FromArray(Enumerable.Range(0, w.Size).Select(_ => 0.4f * g.NextNormal()).ToArray(), w.Shape.ToArray())));
        return layer;
    }

    [Fact]
    public void ChannelsFirstIsNotSupportedAndNamesTheLayer()
    {
        var e = Assert.Throws<NotSupportedException>(() => new ConvLSTM2D(2, 3, dataFormat: "channels_first", name: "frames"));
        Assert.Contains("ConvLSTM2D 'frames'", e.Message);
        Assert.Contains("channels_first", e.Message);
        // The same from a Keras config.
        var config = new JsonObject { ["name"] = "frames", ["filters"] = 2, ["kernel_size"] = new JsonArray(3), ["data_format"] = "channels_first" };
        var fromFile = Assert.Throws<NotSupportedException>(() => LayerRegistry.FromConfig("ConvLSTM1D", config));
        Assert.Contains("ConvLSTM1D 'frames'", fromFile.Message);
    }

    [Fact]
    public void StridesWithDilationAndBadPaddingAreRejected()
    {
        // Keras rejects strides > 1 together with dilation_rate > 1 (ConvLSTMCell.__init__).
        var e = Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 3, strides: 2, dilationRate: 2, name: "c"));
        Assert.Contains("strides", e.Message);
        Assert.Contains("dilation_rate", e.Message);
        Assert.Throws<ArgumentException>(() => new ConvLSTM1D(2, 3, padding: "causal"));
        Assert.Throws<ArgumentException>(() => new ConvLSTM3D(2, (3, 3)));
        // Keras needs the spatial sizes to build the states' zeros.
        var unknown = Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 2, name: "u").Build([null, 3, null, 4, 1]));
        Assert.Contains("ConvLSTM2D 'u'", unknown.Message);
    }

    [Fact]
    public void DefaultNamesAndWeightsFollowKeras()
    {
        var layer = new ConvLSTM2D(3, (3, 2));
        Assert.StartsWith("conv_lstm2d", layer.Name);
        layer.Build([null, 4, 6, 5, 2]);
        Assert.Equal(["kernel", "recurrent_kernel", "bias"], layer.Weights.Select(w => w.Name));
        Assert.Equal([3, 2, 2, 12], layer.Kernel!.Shape.ToArray());
        Assert.Equal([3, 2, 3, 12], layer.RecurrentKernel!.Shape.ToArray());
        // unit_forget_bias: the forget gate's quarter starts at 1, the rest at the bias initializer's zeros.
        Assert.Equal([0f, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], layer.Bias!.Value.ToArray());
        Assert.Equal([null, 4, 4, 3], layer.ComputeOutputShape([null, 3, 6, 5, 2]));
    }

    [Fact]
    public void MaskedTrailingStepsGiveTheShorterSequencesOutput()
    {
        // Keras's RNN keeps the states through masked steps: a sequence whose last two steps are
        // masked ends where its first two steps leave it, and a returned sequence repeats that state.
        var layer = Built(new ConvLSTM2D(2, 2, padding: "same", returnSequences: true), [2, 4, 3, 3, 1]);
        var x = Input([2, 4, 3, 3, 1], 1);
        x.Mask = Tensor.FromArray([1f, 1, 0, 0, 1, 1, 1, 1], 2, 4);
        var y = layer.Call(x);
        var shortRun = layer.Call(x.Slice(1, 0, 2));
        var first = y.Slice(0, 0, 1);
        Assertions.Close(shortRun.Slice(0, 0, 1).Slice(1, 1, 2), first.Slice(1, 1, 2), 1e-6f);
        Assertions.Close(first.Slice(1, 1, 2), first.Slice(1, 3, 4), 0f);
        // The unmasked sample runs all four steps.
        var unmasked = layer.Call(Input([2, 4, 3, 3, 1], 1)).Slice(0, 1, 2);
        Assertions.Close(unmasked, y.Slice(0, 1, 2), 1e-6f);
        Assert.NotNull(y.Mask);
    }

    [Fact]
    public void BidirectionalZeroesMaskedStepsOfAReturnedSequence()
    {
        var bi = new Bidirectional(new ConvLSTM2D(2, 2, returnSequences: true));
        var x = Input([2, 3, 3, 3, 1], 2);
        x.Mask = Tensor.FromArray([1f, 0, 1, 1, 1, 1], 2, 3);
        var y = bi.Call(x);
        Assert.Equal([2, 3, 2, 2, 4], y.Shape.ToArray());
        Assert.All(y.Slice(0, 0, 1).Slice(1, 1, 2).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(y.Slice(0, 0, 1).Slice(1, 2, 3).ToArray(), v => v != 0f);
        Assert.Equal([null, 3, 2, 2, 4], bi.ComputeOutputShape([null, 3, 3, 3, 1]));
    }

    [Fact]
    public void DropoutDrawsFromTheSeedInTrainingOnly()
    {
        int[] shape = [2, 3, 4, 4, 2];
        var x = Input(shape, 3);
        ConvLSTM2D Make() => Built(new ConvLSTM2D(2, 2, dropout: 0.4, recurrentDropout: 0.3, seed: 11, returnSequences: true), shape);
        var a = Make();
        var plain = a.Call(x);
        var trained = a.Call(x, training: true);
        Assert.True(Ops.Subtract(plain, trained).ToArray().Any(v => Math.Abs(v) > 1e-3f), "expected dropout to change the training output");
        // The same seed gives the same masks to a fresh layer: the training pass repeats.
        Assertions.Close(trained, Make().Call(x, training: true), 0f);
        Assertions.Close(plain, Make().Call(x), 0f);
        Assert.False(a.TrainingMatchesInference);
    }

    [Fact]
    public void StatefulLayerCarriesItsStatesAndResetsToGivenOnes()
    {
        int[] shape = [2, 2, 3, 3, 1];
        var layer = Built(new ConvLSTM2D(2, 2, stateful: true), shape);
        var reference = Built(new ConvLSTM2D(2, 2), shape);
        var x1 = Input(shape, 4);
        var x2 = Input(shape, 5);
        layer.Call(x1);
        var kept = layer.States!;
        Assert.Equal([2, 2, 2, 2], kept[0].Shape.ToArray());
        Assertions.Close(reference.CallWithStates(x2, [.. kept])[0], layer.Call(x2), 1e-6f);
        var bad = Assert.Throws<ArgumentException>(() => layer.ResetStates([Tensor.Zeros(2, 2), Tensor.Zeros(2, 2)]));
        Assert.Contains("(batch, 2, 2, 2)", bad.Message);
        layer.ResetStates([kept[0], kept[1]]);
        Assertions.Close(reference.CallWithStates(x2, [.. kept])[0], layer.Call(x2), 1e-6f);
        layer.ResetStates();
        Assertions.Close(reference.Call(x1), layer.Call(x1), 1e-6f);
    }

    [Fact]
    public void KerasThreeConfigReadsEveryOption()
    {
        // The keys Keras 3's ConvLSTM.get_config writes (keras/src/layers/rnn/conv_lstm.py).
        var config = JsonNode.Parse("""
            {"name": "clstm", "trainable": true, "dtype": "float32", "return_sequences": true, "return_state": false,
             "go_backwards": true, "stateful": false, "unroll": false, "zero_output_for_mask": true,
             "filters": 4, "kernel_size": [3], "strides": [2], "padding": "same", "data_format": "channels_last",
             "dilation_rate": [1], "activation": "relu", "recurrent_activation": "hard_sigmoid", "use_bias": false,
             "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
             "recurrent_initializer": {"module": "keras.initializers", "class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}, "registered_name": null},
             "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
             "unit_forget_bias": false, "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null,
             "activity_regularizer": null,
             "kernel_constraint": {"module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}, "registered_name": null},
             "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.25, "recurrent_dropout": 0.0, "seed": 5}
            """)!.AsObject();
        var layer = Assert.IsType<ConvLSTM1D>(LayerRegistry.FromConfig("ConvLSTM1D", config));
        Assert.Equal(4, layer.Filters);
        Assert.Equal([3], layer.KernelSize);
        Assert.Equal([2], layer.Strides);
        Assert.Equal("same", layer.Padding);
        Assert.Equal(("relu", "hard_sigmoid", false, false), (layer.Activation.Name, layer.RecurrentActivation.Name, layer.UseBias, layer.UnitForgetBias));
        Assert.IsType<MaxNorm>(layer.KernelConstraint);
        Assert.Equal((0.25f, 5L, true, true), (layer.Dropout, layer.Seed ?? -1, layer.ReturnSequences, layer.GoBackwards));
        var written = layer.GetConfig();
        foreach (var key in new[] { "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation",
            "use_bias", "unit_forget_bias", "dropout", "recurrent_dropout", "seed", "return_sequences", "go_backwards", "stateful" })
            Assert.True(JsonNode.DeepEquals(config[key], written[key]), $"{key}: expected {config[key]?.ToJsonString()}, got {written[key]?.ToJsonString()}");
        Assert.Equal("MaxNorm", (string)written["kernel_constraint"]!["class_name"]!);
    }

    /// <summary>
    /// A model file in tf.keras 2's layout, written here as Keras 2.x writes one: ConvLSTM2D's auto
    /// name "conv_lst_m2d", its weights at "conv_lst_m2d/kernel:0", …, and Keras 2's default
    /// hard_sigmoid gates (0.2·x + 0.5).
    /// </summary>
    private static H5Tree KerasTwoFile(Tensor[] weights)
    {
        string config = """
            {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3, 4, 4, 2], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_1"}},
              {"class_name": "ConvLSTM2D", "config": {"name": "conv_lst_m2d", "trainable": true, "dtype": "float32",
                "return_sequences": false, "return_state": false, "go_backwards": false, "stateful": false, "unroll": false,
                "filters": 2, "kernel_size": [2, 2], "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
                "dilation_rate": [1, 1], "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": true,
                "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
                "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}},
                "bias_initializer": {"class_name": "Zeros", "config": {}}, "unit_forget_bias": true,
                "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
                "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0, "recurrent_dropout": 0.0}}]},
             "keras_version": "2.4.0", "backend": "tensorflow"}
            """;
        var layerGroup = new H5Tree();
        string[] names = ["kernel:0", "recurrent_kernel:0", "bias:0"];
        layerGroup.Attributes["weight_names"] = names.Select(n => "conv_lst_m2d/" + n).ToArray();
        var scope = new H5Tree();
        for (int i = 0; i < 3; i++)
            scope.Datasets.Add((names[i], weights[i].ToArray(), weights[i].Shape.ToArray().Select(d => (ulong)d).ToArray()));
        layerGroup.Groups.Add(("conv_lst_m2d", scope));
        var weightsGroup = new H5Tree();
        weightsGroup.Attributes["layer_names"] = new[] { "conv_lst_m2d" };
        weightsGroup.Attributes["keras_version"] = "2.4.0";
        weightsGroup.Attributes["backend"] = "tensorflow";
        weightsGroup.Groups.Add(("conv_lst_m2d", layerGroup));
        return MutationFixture.Join(config, weightsGroup);
    }

    [Fact]
    public void KerasTwoFileLoadsAndEveryFormatSavesAndLoadsBack()
    {
        int[] shape = [2, 3, 4, 4, 2];
        var reference = Built(new ConvLSTM2D(2, 2, recurrentActivation: "hard_sigmoid_keras2"), shape);
        var x = Input(shape, 6);
        var expected = reference.Call(x);
        string dir = Path.Combine(Path.GetTempPath(), $"graft-convlstm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string k2 = Path.Combine(dir, "keras2.h5");
            File.WriteAllBytes(k2, KerasTwoFile([.. reference.GetWeights()]).ToBytes());
            var loaded = Model.Load(k2, compile: false);
            var layer = Assert.IsType<ConvLSTM2D>(loaded.Layers[^1]);
            Assert.Equal("hard_sigmoid_keras2", layer.RecurrentActivation.Name);
            Assertions.Close(expected, loaded.Predict(x, verbose: 0), 1e-6f);
            foreach (var ext in new[] { ".h5", ".keras" })
            {
                string path = Path.Combine(dir, "again" + ext);
                loaded.Save(path);
                Assertions.Close(expected, Model.Load(path, compile: false).Predict(x, verbose: 0), 0f);
            }
            // Keras 3 keeps the weights in the layer's cell, and names a model's layers by class (saving_lib).
            using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(dir, "again.keras"));
            using var entry = zip.GetEntry("model.weights.h5")!.Open();
            using var bytes = new MemoryStream();
            entry.CopyTo(bytes);
            var cell = H5Tree.Read(bytes.ToArray()).Group("layers")?.Group("conv_lstm2d")?.Group("cell")?.Group("vars");
            Assert.NotNull(cell);
            Assert.Equal(["0", "1", "2"], cell.Datasets.Select(d => d.Name));
            Assert.Equal([2, 2, 2, 8], cell.Datasets[1].Dims.Select(d => (int)d));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
