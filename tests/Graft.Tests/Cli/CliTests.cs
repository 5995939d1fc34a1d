using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>The graft command end to end, through its Main.</summary>
[Collection(ConsoleCollection.Name)]
public class CliTests
{
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
        var caller = GraftContext.Current;
        var model = new Graft.Models.Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "adam");
        string dir = Directory.CreateTempSubdirectory("graft-cli").FullName;
        string plain = Path.Combine(dir, "plain.keras"), edited = Path.Combine(dir, "muon.keras"), output = Path.Combine(dir, "out.h5");
        try
        {
            model.Save(plain);
            KerasArchive.EditConfig(plain, edited, config => config["compile_config"]!["optimizer"]!["class_name"] = "Muon");
            var (code, stdout, stderr) = Run("convert", edited, output);
            Assert.Equal(0, code);
            Assert.Contains($"Warning: {edited}: the model loaded but was not compiled: ", stderr);
            Assert.DoesNotContain("Warning", stdout);
            // The command sets its console output in a context of its own: the caller's is current
            // again when it returns, with its settings as they were.
            Assert.Same(caller, GraftContext.Current);
            Assert.IsType<Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory>(GraftContext.Current.LoggerFactory);
            Assert.Null(GraftContext.Current.ProgressWriter);
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
