using Graft.Onnx;
using Graft.Saving;

namespace Graft.Tests.Saving;

/// <summary>How Model.Load and Model.Save find a format that a package provides.</summary>
public class ModelFormatsTests
{
    [Fact]
    public void OnnxIsFoundInTheGraftOnnxPackageByExtension()
    {
        Assert.IsType<OnnxModelFormat>(ModelFormats.Find("models/resnet.onnx"));
        Assert.IsType<OnnxModelFormat>(ModelFormats.Find("RESNET.ONNX"));
        Assert.Same(ModelFormats.Find("a.onnx"), ModelFormats.Find("b.onnx"));   // created once
        Assert.Equal("Graft.Onnx", ModelFormats.PackageFor("m.onnx"));
    }

    [Fact]
    public void KerasExtensionsStayWithTheCore()
    {
        Assert.Null(ModelFormats.Find("m.keras"));
        Assert.Null(ModelFormats.Find("m.h5"));
        Assert.Null(ModelFormats.Find("model"));
        Assert.Null(ModelFormats.PackageFor("m.keras"));
    }

    [Fact]
    public void AnOnnxLayerClassInAKerasFileIsBuiltThroughThePackage()
    {
        var config = new System.Text.Json.Nodes.JsonObject { ["name"] = "u", ["trainable"] = false, ["operation"] = "erf", ["alpha"] = 0f, ["beta"] = 0f, ["axis"] = -1 };
        var layer = LayerRegistry.FromConfig("OnnxUnaryOp", config);
        Assert.Equal("OnnxUnaryOp", layer.ClassName);
        Assert.False(layer.Trainable);
    }
}
