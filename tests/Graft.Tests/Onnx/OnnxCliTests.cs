using Graft.Data;
using Graft.Models;
using Graft.Tensors;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Onnx;

/// <summary>graft summary, predict and convert on .onnx files.</summary>
public class OnnxCliTests
{
    [Fact]
    public void ConvertResNet18ToKerasGivesAFileWithTheSamePredictions()
    {
        string dir = Directory.CreateTempSubdirectory("graft-onnx-cli").FullName;
        try
        {
            string keras = Path.Combine(dir, "resnet18.keras");
            var (code, _, err) = Run("convert", OnnxGraphs.ResNet18Path, keras);
            Assert.True(code == 0, err);
            var x = Tensor.FromArray(OnnxGraphs.Random(3 * 224 * 224, 11), 1, 3, 224, 224);
            var expected = OnnxGraphs.RunOnnxRuntime(File.ReadAllBytes(OnnxGraphs.ResNet18Path), x.ToArray(), [1, 3, 224, 224]);
            var converted = Model.Load(keras).Predict(x).ToArray();
            Assert.True(OnnxGraphs.RelativeError(expected, converted) <= 1e-4);
            Assert.Equal(Model.Load(OnnxGraphs.ResNet18Path).Predict(x).ToArray(), converted);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void SummaryAndPredictReadOnnx()
    {
        var (code, text, err) = Run("summary", OnnxGraphs.ResNet18Path);
        Assert.True(code == 0, err);
        Assert.Contains("Convolution249 (Conv2D)", text);
        Assert.Contains($"Total params: {Model.Load(OnnxGraphs.ResNet18Path).CountParams().ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}", text);

        string dir = Directory.CreateTempSubdirectory("graft-onnx-cli").FullName;
        try
        {
            var model = OnnxGraphs.Model(13, [1, 3, 4, 4], [OnnxGraphs.Node("GlobalAveragePool", ["x"], ["y"])]);
            string onnx = Path.Combine(dir, "gap.onnx");
            File.WriteAllBytes(onnx, Google.Protobuf.MessageExtensions.ToByteArray(model));
            var x = Tensor.FromArray(OnnxGraphs.Random(2 * 48, 4), 2, 3, 4, 4);
            string input = Path.Combine(dir, "x.npy"), output = Path.Combine(dir, "y.npy");
            Npy.Save(input, x);
            (code, _, err) = Run("predict", onnx, "--input", input, "--output", output);
            Assert.True(code == 0, err);
            var y = Npy.Load(output);
            Assert.Equal([2, 3, 1, 1], y.Shape.ToArray());
            var mean = x.ToArray().Chunk(16).Select(c => c.Average()).ToArray();
            Assert.Equal(mean, y.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
