using Graft.Tensors;

namespace Graft.Applications;

/// <summary>
/// Keras's image classification models (<c>keras.applications</c>), layer for layer as Keras builds
/// them: the same layer names, weight order and parameter counts, so that Keras's published ImageNet
/// weights load into them. Each returns a functional <see cref="Models.Model"/>.
/// <para>
/// Every constructor takes Keras's arguments: <c>includeTop</c> (the classifier), <c>weights</c> (null
/// for random weights, <c>"imagenet"</c> for Keras's published file, or the path of a weights file),
/// <c>inputTensor</c> (an output of <c>Keras.Input</c> to build on), <c>inputShape</c> (per sample,
/// channels last, −1 for a free size; only without the top), <c>pooling</c> (<c>"avg"</c> or
/// <c>"max"</c> without the top), <c>classes</c> and <c>classifierActivation</c>.
/// </para>
/// <para>
/// ImageNet weights are read from <c>GRAFT_CACHE</c> or Keras's cache (<c>~/.keras/models</c>) and
/// downloaded there from Keras's address when missing, checked against the MD5 Keras publishes.
/// Each family expects its own preprocessing: see <see cref="PreprocessInput"/>.
/// </para>
/// </summary>
public static partial class Applications
{
    /// <summary>
    /// Preprocesses images in [0, 255] as the application of Keras's module <paramref name="module"/>
    /// expects (Keras's <c>keras.applications.&lt;module&gt;.preprocess_input</c>): "resnet", "resnet50" and
    /// "vgg16"/"vgg19" use caffe mode; "resnet_v2", "mobilenet", "mobilenet_v2", "inception_v3" and
    /// "xception" tf mode; "densenet" torch mode (see <see cref="ImageNetUtils.PreprocessInput"/>);
    /// "efficientnet", "efficientnet_v2", "convnext" and "mobilenet_v3" pass the images through (those models rescale them themselves).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown module.</exception>
    public static Tensor PreprocessInput(string module, Tensor x, string dataFormat = "channels_last") => module switch
    {
        "resnet" or "resnet50" or "vgg16" or "vgg19" => ImageNetUtils.PreprocessInput(x, "caffe", dataFormat),
        "resnet_v2" or "mobilenet" or "mobilenet_v2" or "inception_v3" or "xception" => ImageNetUtils.PreprocessInput(x, "tf", dataFormat),
        "densenet" => ImageNetUtils.PreprocessInput(x, "torch", dataFormat),
        "efficientnet" or "efficientnet_v2" or "convnext" or "mobilenet_v3" => x,
        _ => throw new ArgumentException($"Applications.PreprocessInput: expected a Keras applications module (resnet, resnet_v2, vgg16, vgg19, mobilenet, mobilenet_v2, densenet, inception_v3, xception, efficientnet, efficientnet_v2, convnext, mobilenet_v3), got '{module}'.", nameof(module)),
    };

    /// <summary>The top ImageNet classes of each prediction; see <see cref="ImageNetUtils.DecodePredictions"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<(string ClassName, string Description, float Score)>> DecodePredictions(Tensor preds, int top = 5, string? classIndexPath = null) =>
        ImageNetUtils.DecodePredictions(preds, top, classIndexPath);
}
