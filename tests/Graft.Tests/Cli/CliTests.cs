using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Cli;

/// <summary>The graft command end to end, through its Main.</summary>
public class CliTests
{
    private static (int code, string stdout, string stderr) Run(params string[] args)
    {
        var (o, e) = (Console.Out, Console.Error);
        var (so, se) = (new StringWriter(), new StringWriter());
        Console.SetOut(so); Console.SetError(se);
        try { return (Graft.Cli.Program.Main(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

    [Fact]
    public void SummaryPrintsKerasTableAndJson()
    {
        var (code, text, _) = Run("summary", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"));
        Assert.Equal(0, code);
        Assert.Contains("dense_1 (Dense)", text);
        Assert.Contains("Total params: 15", text);
        (code, text, _) = Run("summary", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), "--json");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(15, json["total_params"]!.GetValue<long>());
        Assert.Equal("Dense", json["layers"]![0]!["class_name"]!.GetValue<string>());
        Assert.Equal("[null,3]", json["layers"]![0]!["output_shape"]!.ToJsonString());
    }

    [Fact]
    public void LibraryWarningsAppearOnStandardError()
    {
        var model = new Graft.Models.Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "adam");
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        string plain = Path.Combine(dir, "plain.keras"), edited = Path.Combine(dir, "lion.keras"), output = Path.Combine(dir, "out.h5");
        try
        {
            model.Save(plain);
            KerasArchive.EditConfig(plain, edited, config => config["compile_config"]!["optimizer"]!["class_name"] = "Lion");
            var (code, stdout, stderr) = Run("convert", edited, output);
            Assert.Equal(0, code);
            Assert.Contains($"Warning: {edited}: the model loaded but was not compiled: ", stderr);
            Assert.DoesNotContain("Warning", stdout);
            // The command puts the library's settings back when it returns.
            Assert.IsType<Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory>(Graft.Logging.LoggerFactory);
            Assert.Null(Graft.Logging.ProgressWriter);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MisspeltOptionIsAUsageError()
    {
        // A misspelt option must not run the command with the option's default (here a batch size of 32).
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            Npy.Save(Path.Combine(dir, "x.npy"), Tensor.Zeros(2, 4));
            var (code, _, err) = Run("predict", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), "--input", Path.Combine(dir, "x.npy"), "--output", Path.Combine(dir, "y.npy"), "--batchsize", "2");
            Assert.Equal(2, code);
            Assert.Contains("'--batchsize'", err);
            Assert.Contains("--batch-size", err);
            Assert.False(File.Exists(Path.Combine(dir, "y.npy")));
            (code, _, err) = Run("summary", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), "--jsn");
            Assert.Equal(2, code);
            Assert.Contains("'--jsn'", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PredictReadsAndWritesNpy()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            var x = Fixtures.IoDataset("k2.3.1_dl4j_dense_softmax.io.h5", "inputs/dense_1_input");
            Npy.Save(Path.Combine(dir, "x.npy"), x);
            var (code, _, err) = Run("predict", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), "--input", Path.Combine(dir, "x.npy"), "--output", Path.Combine(dir, "y.npy"), "--batch-size", "2");
            Assert.True(code == 0, err);
            var expected = Fixtures.IoDataset("k2.3.1_dl4j_dense_softmax.io.h5", "predictions/activation_1");
            Assertions.Close(expected.ToArray(), Npy.Load(Path.Combine(dir, "y.npy")).ToArray(), 1e-4f);
            Npy.Save(Path.Combine(dir, "bad.npy"), Tensor.Zeros(2, 5));
            (code, _, err) = Run("predict", Fixtures.Keras("k2.3.1_dl4j_dense_softmax.h5"), "--input", Path.Combine(dir, "bad.npy"), "--output", Path.Combine(dir, "y2.npy"));
            Assert.Equal(1, code);
            Assert.Contains("expected an array of shape (None, 4)", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ConvertBetweenFormats()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string keras = Path.Combine(dir, "m.keras"), h5 = Path.Combine(dir, "m.h5");
            Assert.Equal(0, Run("convert", Fixtures.Keras("k2.3.1_dl4j_dense_leakyrelu.h5"), keras).code);
            Assert.Equal(0, Run("convert", keras, h5).code);
            var a = Graft.Models.Model.Load(Fixtures.Keras("k2.3.1_dl4j_dense_leakyrelu.h5"));
            var b = Graft.Models.Model.Load(h5);
            var x = Tensor.RandomNormal([3, 16]);
            Assert.Equal(a.Predict(x).ToArray(), b.Predict(x).ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void BadUsageAndBadFilesHaveExitCodes()
    {
        Assert.Equal(2, Run().code);
        var (code, _, err) = Run("fly");
        Assert.Equal(2, code);
        Assert.Contains("expected a command", err);
        (code, _, err) = Run("summary");
        Assert.Equal(2, code);
        Assert.Contains("expected a model file", err);
        (code, _, err) = Run("summary", Fixtures.Keras("k3.14.1_hls4ml_qkeras_3layer_CUSTOM.keras"));
        Assert.Equal(1, code);
        Assert.Contains("QDense", err);
        Assert.Contains("registered implementation", err);
    }
}

/// <summary>graft summary on branching models and weights-only files, and --config with weights.</summary>
public class CliSummaryTests
{
    private static (int code, string stdout, string stderr) Run(params string[] args)
    {
        var (o, e) = (Console.Out, Console.Error);
        var (so, se) = (new StringWriter(), new StringWriter());
        Console.SetOut(so); Console.SetError(se);
        try { return (Graft.Cli.Program.Main(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

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

/// <summary>graft predict with several inputs and outputs, through .npz archives.</summary>
public class CliPredictTests
{
    private static (int code, string stdout, string stderr) Run(params string[] args)
    {
        var (o, e) = (Console.Out, Console.Error);
        var (so, se) = (new StringWriter(), new StringWriter());
        Console.SetOut(so); Console.SetError(se);
        try { return (Graft.Cli.Program.Main(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

    private static Graft.Models.Model TwoInTwoOut()
    {
        var a = Graft.Keras.Input([4], name: "features");
        var b = Graft.Keras.Input([3], name: "extra");
        var h = new Dense(8, activation: "relu", name: "trunk").Call(new Concatenate(name: "join").Call([a, b]));
        return new Graft.Models.Model([a, b], [new Dense(1, activation: "sigmoid", name: "score").Call(h), new Dense(5, activation: "softmax", name: "classes").Call(h)]);
    }

    [Fact]
    public void PredictWritesEveryOutputIntoAnNpzKeyedByOutputName()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            var model = TwoInTwoOut();
            string file = Path.Combine(dir, "two.keras");
            model.Save(file);
            var xa = Tensor.RandomNormal([9, 4]);
            var xb = Tensor.RandomNormal([9, 3]);
            var expected = model.PredictOutputs([xa, xb]);

            string named = Path.Combine(dir, "x.npz"), y = Path.Combine(dir, "y.npz");
            Npz.Save(named, new Dictionary<string, Tensor> { ["extra"] = xb, ["features"] = xa });
            var (code, text, err) = Run("predict", file, "--input", named, "--output", y, "--batch-size", "4");
            Assert.True(code == 0, err);
            var outputs = Npz.Load(y);
            Assert.Equal(["score", "classes"], outputs.Keys);
            Assertions.Close(expected[0], outputs["score"]);
            Assertions.Close(expected[1], outputs["classes"]);
            Assert.Contains("[classes]: (9, 5)", text);

            // np.savez(f, xa, xb): arr_0, arr_1 in input order.
            string positional = Path.Combine(dir, "p.npz"), y2 = Path.Combine(dir, "y2.npz");
            Npz.Save(positional, new Dictionary<string, Tensor> { ["arr_0"] = xa, ["arr_1"] = xb });
            (code, _, err) = Run("predict", file, "--input", positional, "--output", y2);
            Assert.True(code == 0, err);
            Assertions.Close(expected[1], Npz.Load(y2)["classes"]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PredictRefusesANpyOutputForSeveralOutputsAndMismatchedInputs()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            string file = Path.Combine(dir, "two.keras");
            TwoInTwoOut().Save(file);
            string x = Path.Combine(dir, "x.npz");
            Npz.Save(x, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["extra"] = Tensor.Zeros(2, 3) });
            var (code, _, err) = Run("predict", file, "--input", x, "--output", Path.Combine(dir, "y.npy"));
            Assert.Equal(2, code);
            Assert.Contains("expected an .npz output path for a model with 2 outputs (score, classes)", err);
            Assert.Contains("a .npy file holds one array", err);
            Assert.False(File.Exists(Path.Combine(dir, "y.npy")));

            string wrong = Path.Combine(dir, "wrong.npz");
            Npz.Save(wrong, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["other"] = Tensor.Zeros(2, 3) });
            (code, _, err) = Run("predict", file, "--input", wrong, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("expected arrays named (features, extra) or (arr_0, arr_1) in input order, got (features, other)", err);

            string badShape = Path.Combine(dir, "shape.npz");
            Npz.Save(badShape, new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["extra"] = Tensor.Zeros(2, 7) });
            (code, _, err) = Run("predict", file, "--input", badShape, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("[extra]: expected an array of shape (None, 3) (any number of samples) for input 'extra', got (2, 7)", err);

            string npy = Path.Combine(dir, "one.npy");
            Npy.Save(npy, Tensor.Zeros(2, 4));
            (code, _, err) = Run("predict", file, "--input", npy, "--output", Path.Combine(dir, "y.npz"));
            Assert.Equal(1, code);
            Assert.Contains("expected 2 inputs (features, extra), got one array", err);

            (code, _, err) = Run("predict", file, "--input", x, "--output", Path.Combine(dir, "y.csv"));
            Assert.Equal(2, code);
            Assert.Contains("expected --output to name a .npy or .npz file", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PredictReadsASingleInputFromAnNpzAsNumPyWritesIt()
    {
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        try
        {
            // Both fixture archives hold the CNN's input and its expected output; keep only the input.
            var arrays = Npz.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "cnn_batch_norm_named.npz"));
            string x = Path.Combine(dir, "x.npz"), y = Path.Combine(dir, "y.npz");
            Npz.Save(x, new Dictionary<string, Tensor> { ["x"] = arrays["x"] });
            var (code, _, err) = Run("predict", Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.h5"), "--input", x, "--output", y);
            Assert.True(code == 0, err);
            var outputs = Npz.Load(y);
            Assertions.Close(arrays["y"], outputs.Values.Single(), 1e-4f);
            // Two arrays for one input are ambiguous.
            (code, _, err) = Run("predict", Fixtures.Keras("k2.1.3_dl4j_cnn_batch_norm.h5"), "--input", Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "cnn_batch_norm_named.npz"), "--output", y);
            Assert.Equal(1, code);
            Assert.Contains("got (x, y)", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class DemoCommandTests
{
    [Fact]
    public void QuickDemoWritesTheReportAndJsonAndKeepsUnrelatedFiles()
    {
        string dir = Directory.CreateTempSubdirectory("graft-demo").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
            var (o, e) = (Console.Out, Console.Error);
            var so = new StringWriter();
            Console.SetOut(so);
            int code;
            try { code = Graft.Cli.Program.Main(["demo", "--quick", "--seeds", "1", "--json", "--out", dir, "--data", RepositoryData.FashionMnistDir]); }
            finally { Console.SetOut(o); Console.SetError(e); }
            Assert.Equal(0, code);
            var json = JsonNode.Parse(so.ToString().Trim().Split('\n')[^1])!;
            Assert.InRange(json["model_b"]!["test_accuracy_mean"]!.GetValue<double>(), 0.5, 1.0);
            Assert.InRange(json["model_b_on_a"]!["test_accuracy_mean"]!.GetValue<double>(), 0.5, 1.0);
            Assert.True(json["error_rate_ratio"]!.GetValue<double>() > 0);
            foreach (var f in new[] { "report.md", "history.csv", "model_a.png", "model_b.png", "model_b_on_a.png", "my_model_A.h5", "model_B_on_A.h5" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt")));
            Assert.Contains("![Model B on A](model_b_on_a.png)", File.ReadAllText(Path.Combine(dir, "report.md")));
            Assert.StartsWith("model,seed,phase,epoch,loss,accuracy,val_loss,val_accuracy", File.ReadAllText(Path.Combine(dir, "history.csv")));
        }
        finally { Directory.Delete(dir, true); }
    }
}
