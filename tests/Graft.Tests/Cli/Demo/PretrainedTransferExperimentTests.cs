using Graft.Autograd;
using Graft.Cli.Demo;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Onnx;
using Graft.Tests.Testing;

namespace Graft.Tests.Cli.Demo;

/// <summary>
/// graft demo --pretrained: the package's ImageNet ResNet18 (read from the NuGet cache, which the test
/// project's package reference fills) as a Fashion-MNIST feature extractor, and the experiment in reduced form.
/// </summary>
public class PretrainedTransferExperimentTests
{
    private static string PreprocessPath => Path.Combine(Path.GetDirectoryName(OnnxGraphs.ResNet18Path)!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    [Fact]
    public void BaseAt224ComputesWhatTheImportedNetworkComputes()
    {
        // The base re-calls the imported graph on a new input and pools globally; at 224 the network's own
        // 7x7 average pooling is global too, so both must give the same 512 features for the same pixels.
        var x = GeronTransferData.From(RepositoryData.Fashion).TestB.X[..2];
        var features = PretrainedBase.Build(OnnxGraphs.ResNet18Path, PreprocessPath, 224).Predict(x);

        var mean = Model.Load(PreprocessPath).Layers.Single(l => l.Weights.Count > 0).GetWeights()[0].ToArray();
        var channelMeans = Enumerable.Range(0, 3).Select(c => (float)mean.Where((_, i) => i % 3 == c).Average(v => (double)v)).ToArray();
        var gray = Ops.Resize(Ops.Reshape(x * 255f, 2, 28, 28, 1), 224, 224);
        var rgb = Ops.Concatenate([gray, gray, gray], axis: 3) - Tensor.FromArray(channelMeans, 3);
        var expected = Model.Load(OnnxGraphs.ResNet18Path).Predict(Ops.Permute(rgb, [0, 3, 1, 2]));

        Assert.Equal([2, 512], features.Shape.ToArray());
        double err = OnnxGraphs.RelativeError(expected.ToArray(), features.ToArray());
        Assert.True(err <= 1e-4, $"features: largest difference {err:g3} relative to the largest, over 1e-4.");
    }

    [Fact]
    public void ReducedExperimentRunsEveryPhase()
    {
        using var context = new GraftContext().Use();
        var options = new PretrainedTransferOptions
        {
            OutputDirectory = Directory.CreateTempSubdirectory("graft-pretrained").FullName, BasePath = OnnxGraphs.ResNet18Path,
            ImageSize = 32, Seeds = 1, TrainImages = 16, ValidationImages = 8, TestImages = 16,
            ScratchEpochs = 1, FrozenEpochs = 2, FineTuneEpochs = 1, Verbose = 0,
        };
        try
        {
            var r = PretrainedTransferExperiment.Run(GeronTransferData.From(RepositoryData.Fashion), options);
            var run = Assert.Single(r.Runs);
            Assert.Single(run.Scratch.Epoch);
            Assert.Equal(2, run.Frozen.Epoch.Count);
            Assert.Single(run.FineTuned!.Epoch);
            Assert.Contains("val_accuracy", run.Frozen.Keys);
            foreach (var acc in new[] { run.ScratchTestAccuracy, run.FrozenTestAccuracy, run.FineTunedTestAccuracy!.Value })
                Assert.InRange(acc, 0.0, 1.0);
            // Accuracies over 16 test images are multiples of 1/16.
            Assert.Equal(0, run.FrozenTestAccuracy * 16 % 1, 6);

            string report = PretrainedDemoReport.Write(r, options);
            Assert.Contains("fine-tuned", File.ReadAllText(report));
            foreach (var f in new[] { "resnet18_scratch.png", "resnet18_pretrained.png", "history.csv" })
                Assert.True(File.Exists(Path.Combine(options.OutputDirectory, f)), f);
            Assert.Contains("resnet18_pretrained,42,fine_tune,1,", File.ReadAllText(Path.Combine(options.OutputDirectory, "history.csv")));
        }
        finally { Directory.Delete(options.OutputDirectory, true); }
    }

    [Fact]
    public void MissingNetworkNamesTheFileAndWhereToGetIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "ResNet18.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => ResNet18Files.Locate(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", e.Message);
        Assert.Contains("--base", e.Message);
    }

    [Fact]
    public void SizeThatTheStridesDoNotDivideIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => PretrainedBase.Build(OnnxGraphs.ResNet18Path, PreprocessPath, 112));
        Assert.Contains("multiple of 32", e.Message);
        Assert.Contains("112", e.Message);
    }
}
