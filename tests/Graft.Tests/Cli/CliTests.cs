using System.Text.Json.Nodes;
using Graft.Data;
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
