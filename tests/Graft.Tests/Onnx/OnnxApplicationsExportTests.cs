using Graft.Tensors;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Onnx;

/// <summary>
/// The later Keras applications exported to ONNX and run in ONNX Runtime: MobileNetV3's hard sigmoid and
/// squeeze-excite, ConvNeXt's grouped convolutions, layer normalization, GELU and LayerScale in one network.
/// </summary>
public class OnnxApplicationsExportTests
{
    [Fact]
    public void MobileNetV3SmallMatchesOnnxRuntime()
    {
        var model = A.MobileNetV3Small(inputShape: [32, 32, 3], alpha: 0.75, weights: null);
        ExportCheck.AssertMatches(model, [Tensor.RandomUniform([2, 32, 32, 3], 0f, 255f, new Generator(4))], "MobileNetV3Small");
    }

    [Fact]
    public void ConvNeXtTinyMatchesOnnxRuntime()
    {
        var model = A.ConvNeXtTiny(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg");
        ExportCheck.AssertMatches(model, [Tensor.RandomUniform([1, 32, 32, 3], 0f, 255f, new Generator(5))], "ConvNeXtTiny");
    }
}
