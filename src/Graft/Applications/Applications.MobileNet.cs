using System.Globalization;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Models;

namespace Graft.Applications;

// MobileNet and MobileNetV2 (Keras's keras/src/applications/mobilenet.py and mobilenet_v2.py).
public static partial class Applications
{
    private const string MobileNetWeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";
    private const string MobileNetV2WeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";

    /// <summary>
    /// MobileNet (Howard et al., 2017; Keras's <c>keras.applications.MobileNet</c>): depthwise separable
    /// convolutions; 4.3M parameters at alpha 1, 3.2M without the top. Expects <c>PreprocessInput("mobilenet", x)</c>.
    /// ImageNet weights exist for alpha 0.25, 0.5, 0.75 and 1 and square inputs of 128, 160, 192 or 224 (224's otherwise).
    /// </summary>
    /// <param name="inputShape">Per-sample shape (height, width, 3), −1 for a free size; only without the top; at least 32x32.</param>
    /// <param name="alpha">Width multiplier: the filters of every layer are scaled by it.</param>
    /// <param name="depthMultiplier">Depthwise convolutions' channel multiplier; 1 with ImageNet weights.</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    /// <param name="includeTop">Include the classifier (average pooling, dropout, a 1x1 convolution).</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max".</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="name">Model name; Keras's <c>mobilenet_{alpha:.2f}_{rows}</c> when null.</param>
    public static Model MobileNet(int[]? inputShape = null, double alpha = 1.0, int depthMultiplier = 1, double dropout = 1e-3, bool includeTop = true,
        string? weights = "imagenet", SymbolicTensor? inputTensor = null, string? pooling = null, int classes = 1000,
        string? classifierActivation = "softmax", string? name = null)
    {
        const string subject = "Applications.MobileNet";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        int defaultSize = inputShape is { Length: 3 } s && s[0] == s[1] && s[0] is 128 or 160 or 192 or 224 ? s[0] : 224;
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, defaultSize, 32, includeTop, weights);
        int rows = shape[0];
        if (weights == "imagenet")
        {
            if (depthMultiplier != 1)
                throw new ArgumentException($"{subject}: expected depthMultiplier 1 with weights \"imagenet\", got {depthMultiplier}.", nameof(depthMultiplier));
            if (alpha is not (0.25 or 0.5 or 0.75 or 1.0))
                throw new ArgumentException($"{subject}: expected alpha 0.25, 0.5, 0.75 or 1.0 with weights \"imagenet\", got {alpha.ToString(CultureInfo.InvariantCulture)}.", nameof(alpha));
            // Keras falls back to the 224 weights (with a warning) for other sizes.
            if (shape[0] != shape[1] || rows is not (128 or 160 or 192 or 224)) rows = 224;
        }
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        var x = new Conv2D((int)(32 * alpha), [3, 3], strides: [2, 2], padding: "same", useBias: false, name: "conv1").Call(input);
        x = new BatchNormalization(axis: -1, name: "conv1_bn").Call(x);
        x = new ReLU(6f, name: "conv1_relu").Call(x);
        (int Filters, int Stride)[] blocks =
            [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)];
        for (int b = 0; b < blocks.Length; b++)
            x = DepthwiseConvBlock(x, (int)(blocks[b].Filters * alpha), depthMultiplier, blocks[b].Stride, b + 1);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(keepdims: true).Call(x);
            x = new Dropout((float)dropout, name: "dropout").Call(x);
            x = new Conv2D(classes, [1, 1], padding: "same", name: "conv_preds").Call(x);
            x = new Reshape([classes], name: "reshape_2").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Activation(classifierActivation ?? "linear", name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling);

        string rowsText = rows < 0 ? "None" : rows.ToString(CultureInfo.InvariantCulture);
        name ??= $"mobilenet_{alpha.ToString("0.00", CultureInfo.InvariantCulture)}_{rowsText}";
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string alphaText = alpha switch { 1.0 => "1_0", 0.75 => "7_5", 0.5 => "5_0", _ => "2_5" };
            string file = $"mobilenet_{alphaText}_{rows}_tf{(includeTop ? "" : "_no_top")}.h5";
            return new PretrainedFile(file, MobileNetWeightsBase + file, null);   // Keras publishes no hash for these
        });
    }

    private static SymbolicTensor DepthwiseConvBlock(SymbolicTensor x, int pointwiseFilters, int depthMultiplier, int stride, int id)
    {
        if (stride != 1) x = new ZeroPadding2D(((0, 1), (0, 1)), name: $"conv_pad_{id}").Call(x);
        x = new DepthwiseConv2D([3, 3], strides: [stride, stride], padding: stride == 1 ? "same" : "valid", depthMultiplier: depthMultiplier,
            useBias: false, name: $"conv_dw_{id}").Call(x);
        x = new BatchNormalization(axis: -1, name: $"conv_dw_{id}_bn").Call(x);
        x = new ReLU(6f, name: $"conv_dw_{id}_relu").Call(x);
        x = new Conv2D(pointwiseFilters, [1, 1], padding: "same", useBias: false, name: $"conv_pw_{id}").Call(x);
        x = new BatchNormalization(axis: -1, name: $"conv_pw_{id}_bn").Call(x);
        return new ReLU(6f, name: $"conv_pw_{id}_relu").Call(x);
    }

    /// <summary>
    /// MobileNetV2 (Sandler et al., 2018; Keras's <c>keras.applications.MobileNetV2</c>): inverted
    /// residual blocks; 3.5M parameters at alpha 1, 2.3M without the top. Expects <c>PreprocessInput("mobilenet_v2", x)</c>.
    /// ImageNet weights exist for alpha 0.35, 0.5, 0.75, 1, 1.3 and 1.4 and square inputs of 96, 128, 160, 192 or 224 (224's otherwise).
    /// </summary>
    /// <param name="inputShape">Per-sample shape (height, width, 3), −1 for a free size; only without the top; at least 32x32.</param>
    /// <param name="alpha">Width multiplier: the filters of every layer are scaled by it (rounded to multiples of 8).</param>
    /// <param name="includeTop">Include the classifier (average pooling and <c>predictions</c>).</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max".</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="name">Model name; Keras's <c>mobilenetv2_{alpha:.2f}_{rows}</c> when null.</param>
    public static Model MobileNetV2(int[]? inputShape = null, double alpha = 1.0, bool includeTop = true, string? weights = "imagenet",
        SymbolicTensor? inputTensor = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string? name = null)
    {
        const string subject = "Applications.MobileNetV2";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        int[]? sized = inputShape ?? (inputTensor is { } t && t.Shape.Length == 4 ? [t.Shape[1] ?? -1, t.Shape[2] ?? -1, t.Shape[3] ?? -1] : null);
        int defaultSize = sized is { Length: 3 } s && s[0] == s[1] && s[0] is 96 or 128 or 160 or 192 or 224 ? s[0] : 224;
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, defaultSize, 32, includeTop, weights);
        int rows = shape[0];
        if (weights == "imagenet")
        {
            if (alpha is not (0.35 or 0.5 or 0.75 or 1.0 or 1.3 or 1.4))
                throw new ArgumentException($"{subject}: expected alpha 0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 with weights \"imagenet\", got {alpha.ToString(CultureInfo.InvariantCulture)}.", nameof(alpha));
            if (shape[0] != shape[1] || rows is not (96 or 128 or 160 or 192 or 224)) rows = 224;
        }
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        var x = new Conv2D(MakeDivisible(32 * alpha, 8), [3, 3], strides: [2, 2], padding: "same", useBias: false, name: "Conv1").Call(input);
        x = V2Bn("bn_Conv1").Call(x);
        x = new ReLU(6f, name: "Conv1_relu").Call(x);
        (int Filters, int Stride, int Expansion)[] blocks =
        [
            (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
            (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
        ];
        for (int b = 0; b < blocks.Length; b++) x = InvertedResBlock(x, blocks[b].Expansion, blocks[b].Stride, alpha, blocks[b].Filters, b);
        int lastFilters = alpha > 1.0 ? MakeDivisible(1280 * alpha, 8) : 1280;
        x = new Conv2D(lastFilters, [1, 1], useBias: false, name: "Conv_1").Call(x);
        x = V2Bn("Conv_1_bn").Call(x);
        x = new ReLU(6f, name: "out_relu").Call(x);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D().Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling);

        string rowsText = rows < 0 ? "None" : rows.ToString(CultureInfo.InvariantCulture);
        name ??= $"mobilenetv2_{alpha.ToString("0.00", CultureInfo.InvariantCulture)}_{rowsText}";
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            // Python's str(float(alpha)): 1.0, 0.35, 1.4.
            string alphaText = alpha == Math.Floor(alpha) ? alpha.ToString("0.0", CultureInfo.InvariantCulture) : alpha.ToString(CultureInfo.InvariantCulture);
            string file = $"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alphaText}_{rows}{(includeTop ? "" : "_no_top")}.h5";
            return new PretrainedFile(file, MobileNetV2WeightsBase + file, null);   // Keras publishes no hash for these
        });
    }

    // MobileNetV2's batch normalization: momentum 0.999 (Keras's value).
    private static BatchNormalization V2Bn(string name) => new(axis: -1, momentum: 0.999f, epsilon: 1e-3f, name: name);

    private static SymbolicTensor InvertedResBlock(SymbolicTensor inputs, int expansion, int stride, double alpha, int filters, int blockId)
    {
        int inChannels = inputs.Shape[^1] ?? throw new InvalidOperationException("MobileNetV2: expected a known channel count.");
        int pointwiseFilters = MakeDivisible((int)(filters * alpha), 8);
        var x = inputs;
        string prefix = $"block_{blockId}_";
        if (blockId != 0)
        {
            x = new Conv2D(expansion * inChannels, [1, 1], padding: "same", useBias: false, name: $"{prefix}expand").Call(x);
            x = V2Bn($"{prefix}expand_BN").Call(x);
            x = new ReLU(6f, name: $"{prefix}expand_relu").Call(x);
        }
        else prefix = "expanded_conv_";
        if (stride == 2) x = new ZeroPadding2D(ApplicationBuilder.CorrectPad(x, 3), name: $"{prefix}pad").Call(x);
        x = new DepthwiseConv2D([3, 3], strides: [stride, stride], padding: stride == 1 ? "same" : "valid", useBias: false, name: $"{prefix}depthwise").Call(x);
        x = V2Bn($"{prefix}depthwise_BN").Call(x);
        x = new ReLU(6f, name: $"{prefix}depthwise_relu").Call(x);
        x = new Conv2D(pointwiseFilters, [1, 1], padding: "same", useBias: false, name: $"{prefix}project").Call(x);
        x = V2Bn($"{prefix}project_BN").Call(x);
        return inChannels == pointwiseFilters && stride == 1 ? new Add(name: $"{prefix}add").Call([inputs, x]) : x;
    }

    /// <summary>Keras's <c>_make_divisible</c>: <paramref name="v"/> rounded to a multiple of <paramref name="divisor"/>, never below 90% of it.</summary>
    internal static int MakeDivisible(double v, int divisor)
    {
        int rounded = Math.Max(divisor, (int)(v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }
}
