using System.Globalization;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Models;

namespace Graft.Applications;

// MobileNetV3Small and MobileNetV3Large (Keras's keras/src/applications/mobilenet_v3.py).
public static partial class Applications
{
    private const string MobileNetV3WeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/";

    // Keras's published MD5s: (with top, without top), by Keras's model_name.
    private static readonly Dictionary<string, (string Top, string NoTop)> s_mobileNetV3Hashes = new()
    {
        ["large_224_0.75_float"] = ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
        ["large_224_1.0_float"] = ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
        ["large_minimalistic_224_1.0_float"] = ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
        ["small_224_0.75_float"] = ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
        ["small_224_1.0_float"] = ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
        ["small_minimalistic_224_1.0_float"] = ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
    };

    /// <summary>One inverted residual block of MobileNetV3: expansion, output filters (before alpha), kernel (0: the model's), stride, squeeze-excite, hard-swish (else ReLU).</summary>
    private readonly record struct MobileNetV3Block(double Expansion, int Filters, int Kernel, int Stride, bool SqueezeExcite, bool HardSwish);

    // Keras's stack_fn of each size; kernel 0 and the last two flags follow the model (5, SE and hard-swish, or 3 and neither when minimalistic).
    private static readonly MobileNetV3Block[] s_mobileNetV3Small =
    [
        new(1, 16, 3, 2, true, false), new(72.0 / 16, 24, 3, 2, false, false), new(88.0 / 24, 24, 3, 1, false, false),
        new(4, 40, 0, 2, true, true), new(6, 40, 0, 1, true, true), new(6, 40, 0, 1, true, true), new(3, 48, 0, 1, true, true),
        new(3, 48, 0, 1, true, true), new(6, 96, 0, 2, true, true), new(6, 96, 0, 1, true, true), new(6, 96, 0, 1, true, true),
    ];

    private static readonly MobileNetV3Block[] s_mobileNetV3Large =
    [
        new(1, 16, 3, 1, false, false), new(4, 24, 3, 2, false, false), new(3, 24, 3, 1, false, false),
        new(3, 40, 0, 2, true, false), new(3, 40, 0, 1, true, false), new(3, 40, 0, 1, true, false),
        new(6, 80, 3, 2, false, true), new(2.5, 80, 3, 1, false, true), new(2.3, 80, 3, 1, false, true), new(2.3, 80, 3, 1, false, true),
        new(6, 112, 3, 1, true, true), new(6, 112, 3, 1, true, true),
        new(6, 160, 0, 2, true, true), new(6, 160, 0, 1, true, true), new(6, 160, 0, 1, true, true),
    ];

    /// <summary>
    /// MobileNetV3Small (Howard et al., 2019; Keras's <c>keras.applications.MobileNetV3Small</c>): 2.6M parameters at
    /// alpha 1. With <paramref name="includePreprocessing"/> the model maps pixels in [0, 255] to [−1, 1] itself
    /// (<c>PreprocessInput("mobilenet_v3", x)</c> passes them through). ImageNet weights exist for alpha 0.75 and 1
    /// (1 only when minimalistic), for 224x224 inputs (used for every size, as Keras does).
    /// </summary>
    /// <param name="inputShape">Per-sample shape (height, width, channels), −1 for a free size (the default: any size); at least 32x32.</param>
    /// <param name="alpha">Width multiplier: the filters of every block are scaled by it.</param>
    /// <param name="minimalistic">Plain ReLU, 3x3 kernels and no squeeze-and-excitation (for hardware without them).</param>
    /// <param name="includeTop">Include the classifier (pooling, a 1x1 convolution, dropout, the logits convolution).</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max".</param>
    /// <param name="dropoutRate">Dropout rate before the logits.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="includePreprocessing">Rescale the pixels inside the model, as Keras does by default.</param>
    /// <param name="name">Model name.</param>
    public static Model MobileNetV3Small(int[]? inputShape = null, double alpha = 1.0, bool minimalistic = false, bool includeTop = true, string? weights = "imagenet",
        SymbolicTensor? inputTensor = null, int classes = 1000, string? pooling = null, double dropoutRate = 0.2, string? classifierActivation = "softmax",
        bool includePreprocessing = true, string name = "MobileNetV3Small") =>
        MobileNetV3(s_mobileNetV3Small, 1024, "small", inputShape, alpha, minimalistic, includeTop, weights, inputTensor, classes, pooling, dropoutRate,
            classifierActivation, includePreprocessing, name);

    /// <summary>MobileNetV3Large (Keras's <c>keras.applications.MobileNetV3Large</c>): 5.5M parameters at alpha 1.</summary>
    /// <inheritdoc cref="MobileNetV3Small" path="/param"/>
    public static Model MobileNetV3Large(int[]? inputShape = null, double alpha = 1.0, bool minimalistic = false, bool includeTop = true, string? weights = "imagenet",
        SymbolicTensor? inputTensor = null, int classes = 1000, string? pooling = null, double dropoutRate = 0.2, string? classifierActivation = "softmax",
        bool includePreprocessing = true, string name = "MobileNetV3Large") =>
        MobileNetV3(s_mobileNetV3Large, 1280, "large", inputShape, alpha, minimalistic, includeTop, weights, inputTensor, classes, pooling, dropoutRate,
            classifierActivation, includePreprocessing, name);

    /// <summary>Keras's <c>_depth</c>: the nearest multiple of 8, at least 8, never more than 10% below <paramref name="v"/>.</summary>
    private static int MobileNetV3Depth(double v)
    {
        int rounded = Math.Max(8, (int)(v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    private static Model MobileNetV3(MobileNetV3Block[] blocks, int lastPointChannels, string modelType, int[]? inputShape, double alpha, bool minimalistic,
        bool includeTop, string? weights, SymbolicTensor? inputTensor, int classes, string? pooling, double dropoutRate, string? classifierActivation,
        bool includePreprocessing, string name)
    {
        string subject = $"Applications.MobileNetV3{char.ToUpperInvariant(modelType[0])}{modelType[1..]}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        // Keras's own input rules here (no obtain_input_shape): any size by default, at least 32x32 when given.
        int[] shape = inputShape ?? (inputTensor is { } t ? [t.Shape[1] ?? -1, t.Shape[2] ?? -1, t.Shape[3] ?? 3] : [-1, -1, 3]);
        if (shape.Length != 3)
            throw new ArgumentException($"{subject}: expected inputShape of three dimensions (height, width, channels), got ({string.Join(", ", shape)}).", nameof(inputShape));
        if (shape[0] > 0 && shape[1] > 0 && (shape[0] < 32 || shape[1] < 32))
            throw new ArgumentException($"{subject}: expected an input of at least 32x32, got inputShape ({string.Join(", ", shape)}).", nameof(inputShape));
        if (weights == "imagenet" && (minimalistic ? alpha != 1.0 : alpha is not (0.75 or 1.0)))
            throw new ArgumentException($"{subject}: expected alpha 0.75 or 1.0 (1.0 when minimalistic) with weights \"imagenet\", got {alpha.ToString(CultureInfo.InvariantCulture)}.", nameof(alpha));
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        int kernel = minimalistic ? 3 : 5;
        bool useSqueezeExcite = !minimalistic;
        var x = input;
        if (includePreprocessing) x = new Rescaling(1.0 / 127.5, offset: -1).Call(x);
        x = new Conv2D(16, [3, 3], strides: [2, 2], padding: "same", useBias: false, name: "conv").Call(x);
        x = new BatchNormalization(axis: -1, momentum: 0.999, epsilon: 1e-3, name: "conv_bn").Call(x);
        x = MobileNetV3Activation(x, !minimalistic);
        for (int i = 0; i < blocks.Length; i++)
        {
            var b = blocks[i];
            // The model's kernel, squeeze-excite and hard-swish where Keras's stack_fn passes the model's own.
            x = MobileNetV3InvertedResBlock(x, b.Expansion, MobileNetV3Depth(b.Filters * alpha), b.Kernel == 0 ? kernel : b.Kernel, b.Stride,
                b.SqueezeExcite && useSqueezeExcite, b.HardSwish && !minimalistic, i);
        }
        int lastConvChannels = MobileNetV3Depth(x.Shape[^1]!.Value * 6);
        if (alpha > 1.0) lastPointChannels = MobileNetV3Depth(lastPointChannels * alpha);
        x = new Conv2D(lastConvChannels, [1, 1], padding: "same", useBias: false, name: "conv_1").Call(x);
        x = new BatchNormalization(axis: -1, momentum: 0.999, epsilon: 1e-3, name: "conv_1_bn").Call(x);
        x = MobileNetV3Activation(x, !minimalistic);
        if (includeTop)
        {
            x = new GlobalAveragePooling2D(keepdims: true).Call(x);
            x = new Conv2D(lastPointChannels, [1, 1], padding: "same", useBias: true, name: "conv_2").Call(x);
            x = MobileNetV3Activation(x, !minimalistic);
            if (dropoutRate > 0) x = new Dropout(dropoutRate).Call(x);
            x = new Conv2D(classes, [1, 1], padding: "same", name: "logits").Call(x);
            x = new Flatten().Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Activation(classifierActivation ?? "linear", name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling, "avg_pool", "max_pool");
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            // Keras's str(alpha): "1.0", "0.75"; one file for every input size.
            string modelName = $"{modelType}{(minimalistic ? "_minimalistic" : "")}_224_{alpha.ToString("0.0##", CultureInfo.InvariantCulture)}_float";
            string file = includeTop ? $"weights_mobilenet_v3_{modelName}.h5" : $"weights_mobilenet_v3_{modelName}_no_top_v2.h5";
            var (top, noTop) = s_mobileNetV3Hashes[modelName];
            return new PretrainedFile(file, MobileNetV3WeightsBase + file, includeTop ? top : noTop);
        });
    }

    /// <summary>Keras's hard_swish (an Activation layer, x · ReLU6(x + 3) / 6) or relu (a ReLU layer), each unnamed.</summary>
    private static SymbolicTensor MobileNetV3Activation(SymbolicTensor x, bool hardSwish) =>
        hardSwish ? new Activation("hard_swish").Call(x) : new ReLU().Call(x);

    /// <summary>
    /// Keras's hard_sigmoid here: ReLU(6)(x + 3) · (1/6). Keras writes the sum and the product as operations
    /// on tensors; Graft writes them as Rescaling layers, the same arithmetic and no weights, so weight files
    /// (which name only layers with weights) load unchanged.
    /// </summary>
    private static SymbolicTensor MobileNetV3HardSigmoid(SymbolicTensor x)
    {
        x = new Rescaling(1.0, offset: 3.0).Call(x);
        x = new ReLU(6f).Call(x);
        return new Rescaling(1.0 / 6.0).Call(x);
    }

    /// <summary>Keras's squeeze-and-excitation of MobileNetV3: pooled channels through a ReLU bottleneck and a hard sigmoid gate.</summary>
    private static SymbolicTensor MobileNetV3SqueezeExcite(SymbolicTensor inputs, int filters, string prefix)
    {
        var x = new GlobalAveragePooling2D(keepdims: true, name: $"{prefix}squeeze_excite_avg_pool").Call(inputs);
        x = new Conv2D(MobileNetV3Depth(filters * 0.25), [1, 1], padding: "same", name: $"{prefix}squeeze_excite_conv").Call(x);
        x = new ReLU(name: $"{prefix}squeeze_excite_relu").Call(x);
        x = new Conv2D(filters, [1, 1], padding: "same", name: $"{prefix}squeeze_excite_conv_1").Call(x);
        x = MobileNetV3HardSigmoid(x);
        return new Multiply(name: $"{prefix}squeeze_excite_mul").Call([inputs, x]);
    }

    /// <summary>Keras's <c>_inverted_res_block</c> of MobileNetV3 (the first block has no expansion and the prefix "expanded_conv_").</summary>
    private static SymbolicTensor MobileNetV3InvertedResBlock(SymbolicTensor x, double expansion, int filters, int kernelSize, int stride,
        bool squeezeExcite, bool hardSwish, int blockId)
    {
        var shortcut = x;
        string prefix = "expanded_conv_";
        int inFilters = x.Shape[^1]!.Value;
        if (blockId > 0)
        {
            prefix = $"expanded_conv_{blockId}_";
            x = new Conv2D(MobileNetV3Depth(inFilters * expansion), [1, 1], padding: "same", useBias: false, name: $"{prefix}expand").Call(x);
            x = new BatchNormalization(axis: -1, momentum: 0.999, epsilon: 1e-3, name: $"{prefix}expand_bn").Call(x);
            x = MobileNetV3Activation(x, hardSwish);
        }
        if (stride == 2) x = new ZeroPadding2D(ApplicationBuilder.CorrectPad(x, kernelSize), name: $"{prefix}depthwise_pad").Call(x);
        x = new DepthwiseConv2D([kernelSize, kernelSize], strides: [stride, stride], padding: stride == 1 ? "same" : "valid", useBias: false, name: $"{prefix}depthwise").Call(x);
        x = new BatchNormalization(axis: -1, momentum: 0.999, epsilon: 1e-3, name: $"{prefix}depthwise_bn").Call(x);
        x = MobileNetV3Activation(x, hardSwish);
        if (squeezeExcite) x = MobileNetV3SqueezeExcite(x, MobileNetV3Depth(inFilters * expansion), prefix);
        x = new Conv2D(filters, [1, 1], padding: "same", useBias: false, name: $"{prefix}project").Call(x);
        x = new BatchNormalization(axis: -1, momentum: 0.999, epsilon: 1e-3, name: $"{prefix}project_bn").Call(x);
        if (stride == 1 && inFilters == filters) x = new Add(name: $"{prefix}add").Call([shortcut, x]);
        return x;
    }
}
