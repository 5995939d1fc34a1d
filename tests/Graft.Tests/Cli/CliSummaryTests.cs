using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>graft summary on branching models and weights-only files, and --config with weights.</summary>
[Collection(ConsoleCollection.Name)]
public class CliSummaryTests
{
    [Fact]
    public void SummaryJsonOfABranchingModelHasTheShapesKerasRecorded()
    {
        string file = Fixtures.Keras("k3.8.0_internshipkrishna_unet_concat.keras");
        var (code, text, err) = Run("summary", file, "--json");
        Assert.True(code == 0, err);
        var rows = JsonNode.Parse(text)!["layers"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["output_shape"]!.ToJsonString());
        Assert.Equal("[null,64,64,64]", rows["concatenate_2"]);   // the U-Net's skip connection: 32 + 32 channels
        // Keras 3 wrote each layer's input shapes (build_config) from its own graph: every layer's
        // summary shape must be the input shape its consumers were built with.
        using var zip = ZipFile.OpenRead(file);
        using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
        int checkedShapes = 0;
        foreach (var layer in JsonNode.Parse(reader.ReadToEnd())!["config"]!["layers"]!.AsArray())
        {
            if (layer!["build_config"]?["input_shape"] is not JsonArray built || layer["inbound_nodes"]!.AsArray().Count != 1) continue;
            var arg = layer["inbound_nodes"]![0]!["args"]![0]!;
            var sources = arg is JsonArray list ? list.ToList() : [arg];
            var shapes = sources.Count == 1 ? [built] : built.ToList();
            for (int i = 0; i < sources.Count; i++)
            {
                string producer = sources[i]!["config"]!["keras_history"]![0]!.GetValue<string>();
                Assert.True(shapes[i]!.ToJsonString() == rows[producer], $"{producer} feeds {layer["config"]!["name"]} with {shapes[i]!.ToJsonString()} in Keras, summary says {rows[producer]}");
                checkedShapes++;
            }
        }
        Assert.True(checkedShapes >= 15, $"only {checkedShapes} shapes checked");
    }

    [Fact]
    public void SummaryListsTheWeightsOfAKeras2WeightsOnlyFile()
    {
        string file = Fixtures.Keras("k2.0.6_dl4j_mnist_mlp_tf.weights.h5");
        var (code, text, err) = Run("summary", file);
        Assert.True(code == 0, err);
        Assert.Contains("Keras 2 layout", text);
        Assert.Contains("dense_1/kernel:0", text);
        Assert.Contains("(784, 512)", text);
        Assert.Contains("Total: 669,706 values in 6 weights", text);
        Assert.Contains("--config", text);
        (code, text, err) = Run("summary", file, "--json");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("keras2", json["layout"]!.GetValue<string>());
        Assert.Equal(669706, json["total_params"]!.GetValue<long>());
        var first = json["weights"]![0]!;
        Assert.Equal("dense_1", first["layer"]!.GetValue<string>());
        Assert.Equal("dense_1/kernel:0", first["name"]!.GetValue<string>());
        Assert.Equal("[784,512]", first["shape"]!.ToJsonString());
        Assert.Equal(401408, first["count"]!.GetValue<long>());
    }

    [Fact]
    public void SummaryListsTheWeightsOfAKeras3WeightsFile()
    {
        // The model.weights.h5 inside a .keras archive is what Keras 3's save_weights writes.
        string keras = Fixtures.Keras("k3.8.0_Mohand_resnet1d_add_bn.keras");
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string weights = Path.Combine(dir, "model.weights.h5");
            using (var zip = ZipFile.OpenRead(keras)) zip.GetEntry("model.weights.h5")!.ExtractToFile(weights);
            var (code, text, err) = Run("summary", weights, "--json");
            Assert.True(code == 0, err);
            var json = JsonNode.Parse(text)!;
            Assert.Equal("keras3", json["layout"]!.GetValue<string>());
            var listed = json["weights"]!.AsArray().Where(w => !w!["layer"]!.GetValue<string>().StartsWith("optimizer")).ToList();
            var model = Graft.Models.Model.Load(keras, compile: false);
            Assert.Equal(model.CountParams(), listed.Sum(w => w!["count"]!.GetValue<long>()));
            // A weights file keeps no layer order (HDF5 lists keys by name): compare as multisets.
            Assert.Equal(model.Weights.Select(w => "[" + string.Join(",", w.Shape.Dims) + "]").Order(), listed.Select(w => w!["shape"]!.ToJsonString()).Order());
            var kernel = listed.Single(w => w!["layer"]!.GetValue<string>() == "conv1d" && w["name"]!.GetValue<string>() == "0")!;
            Assert.Equal("[7,1,32]", kernel["shape"]!.ToJsonString());
            (code, text, _) = Run("summary", weights);
            Assert.Equal(0, code);
            Assert.Contains("Keras 3 layout", text);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ConfigCombinesWithWeightsForSummaryPredictAndConvert()
    {
        string weights = Fixtures.Keras("k2.0.6_dl4j_mnist_mlp_tf.weights.h5"), config = Fixtures.Keras("k2.0.6_dl4j_mnist_mlp_tf.config.json");
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            var (code, text, err) = Run("summary", weights, "--config", config, "--json");
            Assert.True(code == 0, err);
            Assert.Equal(669706, JsonNode.Parse(text)!["total_params"]!.GetValue<long>());

            string x = Path.Combine(dir, "x.npy"), y = Path.Combine(dir, "y.npy");
            Npy.Save(x, Fixtures.IoDataset("k2.0.6_dl4j_mnist_mlp_tf.io.h5", "inputs/dense_1_input"));
            (code, _, err) = Run("predict", weights, "--config", config, "--input", x, "--output", y);
            Assert.True(code == 0, err);
            var expected = Fixtures.IoDataset("k2.0.6_dl4j_mnist_mlp_tf.io.h5", "predictions/dense_3");
            Assertions.Close(expected.ToArray(), Npy.Load(y).ToArray(), 1e-4f);

            string keras = Path.Combine(dir, "mlp.keras");
            (code, _, err) = Run("convert", weights, keras, "--config", config);
            Assert.True(code == 0, err);
            Assertions.Close(expected.ToArray(), Graft.Models.Model.Load(keras).Predict(Npy.Load(x)).ToArray(), 1e-4f);

            // Without the architecture, predict and convert say what is missing.
            (code, _, err) = Run("predict", weights, "--input", x, "--output", y);
            Assert.Equal(2, code);
            Assert.Contains("weights-only file", err);
            Assert.Contains("--config CONFIG.json", err);
            (code, _, err) = Run("convert", weights, keras);
            Assert.Equal(2, code);
            Assert.Contains("--config", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
