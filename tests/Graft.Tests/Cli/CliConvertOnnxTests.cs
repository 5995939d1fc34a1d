using Graft.Models;
using Graft.Tests.Onnx;
using Graft.Tests.Testing;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary><c>graft convert model.h5 model.onnx</c>: the command writes what ONNX Runtime runs as Graft does.</summary>
[Collection(ConsoleCollection.Name)]
public class CliConvertOnnxTests
{
    [Fact]
    public void ConvertWritesOnnxThatMatchesGraft()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            string input = Fixtures.Keras("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.h5"), output = Path.Combine(dir.FullName, "ecg.onnx");
            var (code, stdout, stderr) = Run("convert", input, output);
            Assert.True(code == 0, $"graft convert: expected exit code 0, got {code}: {stderr}");
            Assert.Contains(output, stdout);
            var model = Model.Load(input);
            ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 3), output, File.ReadAllBytes(output));
        }
        finally { dir.Delete(recursive: true); }
    }
}
