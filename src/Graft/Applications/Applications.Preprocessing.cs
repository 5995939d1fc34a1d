using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Tensors;

namespace Graft.Applications;

public static partial class Applications
{
    /// <summary>
    /// <see cref="PreprocessInput"/> of module <paramref name="module"/> as layers to put in front of a
    /// model, so that a saved model takes raw pixels in [0, 255] (Keras users call
    /// <c>preprocess_input</c> inside the functional model for the same reason). Channels last, 3 channels:
    /// <list type="bullet">
    /// <item>tf mode: <c>Rescaling(1/127.5, offset: −1)</c>;</item>
    /// <item>torch mode: <c>Normalization</c> with ImageNet's mean and variance in pixel units (255·mean, (255·std)²), the same (x/255 − mean)/std;</item>
    /// <item>caffe mode: a frozen <c>Dense(3)</c> on the channel axis, whose kernel swaps RGB to BGR and whose
    /// bias subtracts the BGR means: Keras has no layer that reverses channels, and a 3×3 product is exact;</item>
    /// <item>"efficientnet": no layer (the model rescales its input itself).</item>
    /// </list>
    /// The layers are not trainable; they are named <c>preprocess_input</c>.
    /// </summary>
    /// <param name="module">A Keras applications module, as for <see cref="PreprocessInput"/>.</param>
    /// <exception cref="ArgumentException">An unknown module.</exception>
    public static IReadOnlyList<Layer> PreprocessingLayers(string module)
    {
        Layer? layer = module switch
        {
            "resnet" or "resnet50" or "vgg16" or "vgg19" => CaffeLayer(),
            "resnet_v2" or "mobilenet" or "mobilenet_v2" or "inception_v3" or "xception" => new Rescaling(1.0 / 127.5, offset: -1, name: "preprocess_input"),
            "densenet" => new Normalization(mean: new[] { 0.485 * 255, 0.456 * 255, 0.406 * 255 },
                variance: new[] { Math.Pow(0.229 * 255, 2), Math.Pow(0.224 * 255, 2), Math.Pow(0.225 * 255, 2) }, name: "preprocess_input"),
            "efficientnet" => null,
            _ => throw new ArgumentException($"Applications.PreprocessingLayers: expected a Keras applications module (resnet, resnet_v2, vgg16, vgg19, mobilenet, mobilenet_v2, densenet, inception_v3, xception, efficientnet), got '{module}'.", nameof(module)),
        };
        if (layer is null) return [];
        layer.Trainable = false;
        return [layer];
    }

    /// <summary>Caffe mode as one product on the channel axis: output channel c (BGR) is input channel 2 − c (RGB) minus the BGR mean.</summary>
    private static Dense CaffeLayer()
    {
        float[] meanBgr = [103.939f, 116.779f, 123.68f];
        var dense = new Dense(3, name: "preprocess_input");
        dense.Build([null, 3]);
        var kernel = new float[9];
        for (int c = 0; c < 3; c++) kernel[(2 - c) * 3 + c] = 1f;   // kernel[in, out]
        dense.SetWeights([Tensor.FromArray(kernel, 3, 3), Tensor.FromArray(meanBgr.Select(m => -m).ToArray(), 3)]);
        return dense;
    }
}
