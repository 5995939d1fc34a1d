using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Data;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Tensors;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>graft demo end to end: its report, JSON and the files it leaves.</summary>
[Collection(ConsoleCollection.Name)]
public class DemoCommandTests
{
    [Fact]
    public void QuickDemoWritesTheReportAndJsonAndKeepsUnrelatedFiles()
    {
        string dir = Directory.CreateTempSubdirectory("graft-demo").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
            var (code, stdout, _) = Run("demo", "--quick", "--seeds", "1", "--json", "--out", dir, "--data", RepositoryData.FashionMnistDir);
            Assert.Equal(0, code);
            var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
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
