using Graft.Models;
using Graft.Tensors;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Applications;

/// <summary>
/// One small image through one model of each family, at the smallest size Keras accepts: the forward
/// pass agrees with the shapes inferred when the graph was built (padding, strides, concatenations).
/// </summary>
public class ForwardTests
{
    public static TheoryData<string> Families => ["ResNet50", "ResNet50V2", "VGG16", "MobileNet", "MobileNetV2", "DenseNet121", "InceptionV3", "Xception", "EfficientNetB0",
        "EfficientNetV2B0", "EfficientNetV2S", "ConvNeXtTiny", "MobileNetV3Small", "MobileNetV3Large_minimalistic"];

    private static Model Create(string family) => family switch
    {
        "ResNet50" => A.ResNet50(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg"),
        "ResNet50V2" => A.ResNet50V2(includeTop: false, weights: null, inputShape: [33, 35, 3], pooling: "max"),
        "VGG16" => A.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3]),
        "MobileNet" => A.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, includeTop: false, weights: null),
        "MobileNetV2" => A.MobileNetV2(inputShape: [35, 33, 3], alpha: 0.35, includeTop: false, weights: null, pooling: "avg"),
        "DenseNet121" => A.DenseNet121(includeTop: false, weights: null, inputShape: [32, 32, 3]),
        "InceptionV3" => A.InceptionV3(includeTop: false, weights: null, inputShape: [75, 75, 3], pooling: "avg"),
        "Xception" => A.Xception(includeTop: false, weights: null, inputShape: [71, 71, 3]),
        "EfficientNetB0" => A.EfficientNetB0(includeTop: false, weights: null, inputShape: [33, 32, 3], pooling: "avg"),
        "EfficientNetV2B0" => A.EfficientNetV2B0(includeTop: false, weights: null, inputShape: [33, 32, 3], pooling: "avg"),
        "EfficientNetV2S" => A.EfficientNetV2S(includeTop: false, weights: null, inputShape: [32, 35, 3]),
        "ConvNeXtTiny" => A.ConvNeXtTiny(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg"),
        "MobileNetV3Small" => A.MobileNetV3Small(inputShape: [33, 32, 3], alpha: 0.75, weights: null),
        "MobileNetV3Large_minimalistic" => A.MobileNetV3Large(inputShape: [32, 35, 3], minimalistic: true, includeTop: false, weights: null, pooling: "max"),
        _ => throw new ArgumentException(family),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void ASmallImageRunsThroughWithTheInferredShape(string family)
    {
        var model = Create(family);
        var shape = model.Input.Shape.Skip(1).Select(d => d!.Value).ToArray();
        int n = shape.Aggregate(1, (p, d) => p * d);
        var image = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)((i * 97) % 256)).ToArray(), [1, .. shape]);
        // The later families take [0, 255] and preprocess inside; their modules' preprocess_input passes images through.
        string module = family switch
        {
            _ when family.StartsWith("EfficientNetV2") => "efficientnet_v2",
            _ when family.StartsWith("EfficientNet") => "efficientnet",
            _ when family.StartsWith("ConvNeXt") => "convnext",
            _ when family.StartsWith("MobileNetV3") => "mobilenet_v3",
            _ => "resnet_v2",
        };
        var input = A.PreprocessInput(module, image);
        if (module != "resnet_v2") Assert.Same(image, input);
        var y = model.Predict(input);
        Assert.Equal(Graft.Layers.Layer.FormatShape([null, .. y.Shape.Dims[1..].Select(d => (int?)d)]), Graft.Layers.Layer.FormatShape(model.Output.Shape));
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void AnInputTensorBecomesTheModelInput()
    {
        var input = Keras.Input([48, 48, 3]);
        var model = A.MobileNetV2(alpha: 0.35, includeTop: false, weights: null, inputTensor: input, pooling: "max");
        Assert.Same(input, model.Input);
        Assert.Equal("(None, 1280)", Graft.Layers.Layer.FormatShape(model.Output.Shape));
        Assert.Equal("mobilenetv2_0.35_None", model.Name);   // Keras names it after the requested input shape, here none
        Assert.Equal("max_pool", A.DenseNet121(includeTop: false, weights: null, pooling: "max").Layers[^1].Name);
        Assert.Equal("mobilenet_1.00_None", A.MobileNet(alpha: 1.0, includeTop: false, weights: null).Name);
    }
}
