using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Onnx;

/// <summary>The ImageNet-trained ResNet18 (CNTK export, opset 8) against ONNX Runtime.</summary>
public class ResNet18ImportTests
{
    [Fact]
    public void ResNet18MatchesOnnxRuntime()
    {
        var model = Model.Load(OnnxGraphs.ResNet18Path);
        int[] shape = [1, 3, 224, 224];
        var x = OnnxGraphs.Random(3 * 224 * 224, seed: 7, lo: -2f, hi: 2f);
        var expected = OnnxGraphs.RunOnnxRuntime(File.ReadAllBytes(OnnxGraphs.ResNet18Path), x, shape);
        var actual = model.Predict(Tensor.FromArray(x, shape));
        Assert.Equal([1, 512, 1, 1], actual.Shape.ToArray());
        double err = OnnxGraphs.RelativeError(expected, actual.ToArray());
        Assert.True(err <= 1e-4, $"ResNet18: largest difference {err:g3} relative to the largest output, over 1e-4.");
    }

    [Fact]
    public void ResNet18RoundTripsThroughExport()
    {
        // Imported, exported again and run in ONNX Runtime: the export computes what the import computes.
        var model = Model.Load(OnnxGraphs.ResNet18Path);
        var x = Tensor.FromArray(OnnxGraphs.Random(3 * 224 * 224, seed: 11, lo: -2f, hi: 2f), [1, 3, 224, 224]);
        ExportCheck.AssertMatches(model, [x], "ResNet18 round trip");
    }

    [Fact]
    public void ResNetPreprocessMatchesOnnxRuntime()
    {
        // The package's preprocessing graph: RGB → BGR (Split, Concat) minus a mean image; its nodes have no names.
        string path = Path.Combine(Path.GetDirectoryName(OnnxGraphs.ResNet18Path)!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        var model = Model.Load(path);
        Assert.Contains(model.Layers, l => l.Name == "PreprocessedInput");   // named after the node's output
        int[] shape = [1, 3, 224, 224];
        var x = OnnxGraphs.Random(3 * 224 * 224, seed: 3, lo: 0f, hi: 255f);
        var expected = OnnxGraphs.RunOnnxRuntime(File.ReadAllBytes(path), x, shape);
        Assert.Equal(expected, model.Predict(Tensor.FromArray(x, shape)).ToArray());
    }
}
