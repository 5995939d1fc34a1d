using Graft.Initializers;
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

// EfficientNetV2 B0 to B3, S, M and L (Keras's keras/src/applications/efficientnet_v2.py).
public static partial class Applications
{
    private const string EfficientNetV2WeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/";

    // Keras's published MD5s: (with top, without top), by Keras's weights_name.
    private static readonly Dictionary<string, (string Top, string NoTop)> s_efficientNetV2Hashes = new()
    {
        ["b0"] = ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
        ["b1"] = ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
        ["b2"] = ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
        ["b3"] = ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
        ["-s"] = ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
        ["-m"] = ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
        ["-l"] = ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
    };

    /// <summary>One stage of EfficientNetV2: its blocks' kernel, repeats, filters in and out, expansion, squeeze-excite ratio, first stride, and whether they are fused.</summary>
    private readonly record struct EfficientNetV2Stage(int Kernel, int Repeats, int FiltersIn, int FiltersOut, int Expand, double SeRatio, int Stride, bool Fused);

    // Keras's DEFAULT_BLOCKS_ARGS; B0 to B3 share one list and scale it.
    private static readonly EfficientNetV2Stage[] s_efficientNetV2B =
    [
        new(3, 1, 32, 16, 1, 0, 1, true), new(3, 2, 16, 32, 4, 0, 2, true), new(3, 2, 32, 48, 4, 0, 2, true),
        new(3, 3, 48, 96, 4, 0.25, 2, false), new(3, 5, 96, 112, 6, 0.25, 1, false), new(3, 8, 112, 192, 6, 0.25, 2, false),
    ];

    private static readonly Dictionary<string, EfficientNetV2Stage[]> s_efficientNetV2Stages = new()
    {
        ["efficientnetv2-b"] = s_efficientNetV2B,
        ["efficientnetv2-s"] =
        [
            new(3, 2, 24, 24, 1, 0, 1, true), new(3, 4, 24, 48, 4, 0, 2, true), new(3, 4, 48, 64, 4, 0, 2, true),
            new(3, 6, 64, 128, 4, 0.25, 2, false), new(3, 9, 128, 160, 6, 0.25, 1, false), new(3, 15, 160, 256, 6, 0.25, 2, false),
        ],
        ["efficientnetv2-m"] =
        [
            new(3, 3, 24, 24, 1, 0, 1, true), new(3, 5, 24, 48, 4, 0, 2, true), new(3, 5, 48, 80, 4, 0, 2, true),
            new(3, 7, 80, 160, 4, 0.25, 2, false), new(3, 14, 160, 176, 6, 0.25, 1, false), new(3, 18, 176, 304, 6, 0.25, 2, false),
            new(3, 5, 304, 512, 6, 0.25, 1, false),
        ],
        ["efficientnetv2-l"] =
        [
            new(3, 4, 32, 32, 1, 0, 1, true), new(3, 7, 32, 64, 4, 0, 2, true), new(3, 7, 64, 96, 4, 0, 2, true),
            new(3, 10, 96, 192, 4, 0.25, 2, false), new(3, 19, 192, 224, 6, 0.25, 1, false), new(3, 25, 224, 384, 6, 0.25, 2, false),
            new(3, 7, 384, 640, 6, 0.25, 1, false),
        ],
    };

    /// <summary>
    /// EfficientNetV2B0 (Tan and Le, 2021; Keras's <c>keras.applications.EfficientNetV2B0</c>): 7.2M parameters; 224x224
    /// by default. With <paramref name="includePreprocessing"/> the model takes pixels in [0, 255] and normalizes them
    /// itself (<c>PreprocessInput("efficientnet_v2", x)</c> passes them through); without it, pixels in [−1, 1].
    /// </summary>
    /// <param name="includeTop">Include the classifier (average pooling, dropout, a dense softmax layer).</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="inputShape">Per-sample shape (height, width, 3), −1 for a free size; only without the top; at least 32x32.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max".</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="includePreprocessing">Rescale (and for B0 to B3 normalize) the pixels inside the model, as Keras does by default.</param>
    /// <param name="name">Model name; Keras's names it after the variant, and its weight files after that name.</param>
    public static Model EfficientNetV2B0(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-b0") =>
        EfficientNetV2(1.0, 1.0, 224, "efficientnetv2-b", "b0", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>EfficientNetV2B1 (Keras's <c>keras.applications.EfficientNetV2B1</c>): 8.2M parameters; 240x240 by default.</summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2B1(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-b1") =>
        EfficientNetV2(1.0, 1.1, 240, "efficientnetv2-b", "b1", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>EfficientNetV2B2 (Keras's <c>keras.applications.EfficientNetV2B2</c>): 10.2M parameters; 260x260 by default.</summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2B2(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-b2") =>
        EfficientNetV2(1.1, 1.2, 260, "efficientnetv2-b", "b2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>EfficientNetV2B3 (Keras's <c>keras.applications.EfficientNetV2B3</c>): 14.5M parameters; 300x300 by default.</summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2B3(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-b3") =>
        EfficientNetV2(1.2, 1.4, 300, "efficientnetv2-b", "b3", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>
    /// EfficientNetV2S (Keras's <c>keras.applications.EfficientNetV2S</c>): 21.6M parameters; 384x384 by default. With
    /// preprocessing included the model maps [0, 255] to [−1, 1] itself.
    /// </summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2S(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-s") =>
        EfficientNetV2(1.0, 1.0, 384, "efficientnetv2-s", "-s", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>EfficientNetV2M (Keras's <c>keras.applications.EfficientNetV2M</c>): 54.4M parameters; 480x480 by default.</summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2M(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-m") =>
        EfficientNetV2(1.0, 1.0, 480, "efficientnetv2-m", "-m", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    /// <summary>EfficientNetV2L (Keras's <c>keras.applications.EfficientNetV2L</c>): 119.0M parameters; 480x480 by default.</summary>
    /// <inheritdoc cref="EfficientNetV2B0" path="/param"/>
    public static Model EfficientNetV2L(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", bool includePreprocessing = true, string name = "efficientnetv2-l") =>
        EfficientNetV2(1.0, 1.0, 480, "efficientnetv2-l", "-l", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, includePreprocessing, name);

    private static Model EfficientNetV2(double widthCoefficient, double depthCoefficient, int defaultSize, string stagesName, string weightsName,
        bool includeTop, string? weights, SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation,
        bool includePreprocessing, string name)
    {
        const double dropoutRate = 0.2, dropConnectRate = 0.2, bnMomentum = 0.9;
        const int depthDivisor = 8, minDepth = 8;
        const string activation = "swish";
        string subject = $"Applications.EfficientNetV2{weightsName.TrimStart('-').ToUpperInvariant()}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, defaultSize, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);
        var stages = s_efficientNetV2Stages[stagesName];

        // Keras's V2 round_filters: unlike V1's, no correction when rounding lost more than 10%.
        int RoundFilters(int filters) => Math.Max(minDepth, (int)(filters * widthCoefficient + depthDivisor / 2.0) / depthDivisor * depthDivisor);
        int RoundRepeats(int repeats) => (int)Math.Ceiling(depthCoefficient * repeats);

        var x = input;
        if (includePreprocessing)
        {
            // Keras keys this on the model's name: the B variants were trained on ImageNet-normalized pixels, S, M and L on [−1, 1].
            if (name.Split('-')[^1].StartsWith('b') && shape[2] == 3)
            {
                x = new Rescaling(1f / 255f).Call(x);
                x = new Normalization(axis: [3], mean: new[] { 0.485f, 0.456f, 0.406f },
                    variance: new[] { 0.229f * 0.229f, 0.224f * 0.224f, 0.225f * 0.225f }).Call(x);
            }
            else x = new Rescaling(1f / 128f, offset: -1).Call(x);
        }
        x = new Conv2D(RoundFilters(stages[0].FiltersIn), [3, 3], strides: [2, 2], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: "stem_conv").Call(x);
        x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: "stem_bn").Call(x);
        x = new Activation(activation, name: "stem_activation").Call(x);

        int b = 0;
        double total = stages.Sum(s => s.Repeats);   // Keras divides by the unscaled count
        for (int i = 0; i < stages.Length; i++)
        {
            var s = stages[i];
            int filtersIn = RoundFilters(s.FiltersIn), filtersOut = RoundFilters(s.FiltersOut), stride = s.Stride;
            for (int j = 0; j < RoundRepeats(s.Repeats); j++)
            {
                if (j > 0) { stride = 1; filtersIn = filtersOut; }
                string prefix = $"block{i + 1}{(char)('a' + j)}_";
                double drop = dropConnectRate * b / total;
                x = s.Fused
                    ? FusedMBConvBlock(x, filtersIn, filtersOut, s.Expand, s.Kernel, stride, s.SeRatio, bnMomentum, activation, drop, prefix)
                    : MBConvBlock(x, filtersIn, filtersOut, s.Expand, s.Kernel, stride, s.SeRatio, bnMomentum, activation, drop, prefix);
                b++;
            }
        }
        x = new Conv2D(RoundFilters(1280), [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: "top_conv").Call(x);
        x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: "top_bn").Call(x);
        x = new Activation(activation, name: "top_activation").Call(x);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
            x = new Dropout(dropoutRate, name: "top_dropout").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, kernelInitializer: new VarianceScaling(1.0 / 3.0, "fan_out", "uniform"),
                biasInitializer: new Constant(0f), name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling, "avg_pool", "max_pool");
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = name + (includeTop ? ".h5" : "_notop.h5");   // Keras names the file after the model
            var (top, noTop) = s_efficientNetV2Hashes[weightsName];
            return new PretrainedFile(file, EfficientNetV2WeightsBase + file, includeTop ? top : noTop);
        });
    }

    /// <summary>Keras's squeeze-and-excitation of EfficientNetV2's blocks: channel weights from a two-layer bottleneck over the pooled features.</summary>
    private static SymbolicTensor EfficientNetV2SqueezeExcite(SymbolicTensor x, int filtersIn, int filters, double seRatio, string activation, string name)
    {
        int filtersSe = Math.Max(1, (int)(filtersIn * seRatio));
        var se = new GlobalAveragePooling2D(name: $"{name}se_squeeze").Call(x);
        se = new Reshape([1, 1, filters], name: $"{name}se_reshape").Call(se);
        se = new Conv2D(filtersSe, [1, 1], padding: "same", activation: activation, kernelInitializer: ConvInit(), name: $"{name}se_reduce").Call(se);
        se = new Conv2D(filters, [1, 1], padding: "same", activation: "sigmoid", kernelInitializer: ConvInit(), name: $"{name}se_expand").Call(se);
        return new Multiply(name: $"{name}se_excite").Call([x, se]);
    }

    /// <summary>The residual of an EfficientNetV2 block: Keras's dropped path (a Dropout whose rate is its "survival_probability", per sample) and the sum.</summary>
    private static SymbolicTensor EfficientNetV2Residual(SymbolicTensor x, SymbolicTensor inputs, double dropRate, string name)
    {
        // Keras passes the growing drop rate under the name survival_probability and skips the layer when it is 0.
        if (dropRate > 0) x = new Dropout(dropRate, noiseShape: [-1, 1, 1, 1], name: $"{name}drop").Call(x);
        return new Add(name: $"{name}add").Call([x, inputs]);
    }

    /// <summary>Keras's MBConvBlock: 1x1 expansion, depthwise convolution, squeeze-and-excitation, 1x1 projection.</summary>
    private static SymbolicTensor MBConvBlock(SymbolicTensor inputs, int filtersIn, int filtersOut, int expandRatio, int kernel, int stride,
        double seRatio, double bnMomentum, string activation, double dropRate, string name)
    {
        int filters = filtersIn * expandRatio;
        var x = inputs;
        if (expandRatio != 1)
        {
            x = new Conv2D(filters, [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}expand_conv").Call(x);
            x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: $"{name}expand_bn").Call(x);
            x = new Activation(activation, name: $"{name}expand_activation").Call(x);
        }
        x = new DepthwiseConv2D([kernel, kernel], strides: [stride, stride], padding: "same", useBias: false, depthwiseInitializer: ConvInit(), name: $"{name}dwconv2").Call(x);
        x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: $"{name}bn").Call(x);
        x = new Activation(activation, name: $"{name}activation").Call(x);
        if (seRatio is > 0 and <= 1) x = EfficientNetV2SqueezeExcite(x, filtersIn, filters, seRatio, activation, name);
        x = new Conv2D(filtersOut, [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}project_conv").Call(x);
        x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: $"{name}project_bn").Call(x);
        return stride == 1 && filtersIn == filtersOut ? EfficientNetV2Residual(x, inputs, dropRate, name) : x;
    }

    /// <summary>Keras's FusedMBConvBlock: one full convolution in place of expansion and depthwise convolution, then the projection.</summary>
    private static SymbolicTensor FusedMBConvBlock(SymbolicTensor inputs, int filtersIn, int filtersOut, int expandRatio, int kernel, int stride,
        double seRatio, double bnMomentum, string activation, double dropRate, string name)
    {
        int filters = filtersIn * expandRatio;
        var x = inputs;
        if (expandRatio != 1)
        {
            x = new Conv2D(filters, [kernel, kernel], strides: [stride, stride], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}expand_conv").Call(x);
            x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: $"{name}expand_bn").Call(x);
            x = new Activation(activation, name: $"{name}expand_activation").Call(x);
        }
        if (seRatio is > 0 and <= 1) x = EfficientNetV2SqueezeExcite(x, filtersIn, filters, seRatio, activation, name);
        int k = expandRatio != 1 ? 1 : kernel, s = expandRatio != 1 ? 1 : stride;
        x = new Conv2D(filtersOut, [k, k], strides: [s, s], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}project_conv").Call(x);
        x = new BatchNormalization(axis: 3, momentum: bnMomentum, name: $"{name}project_bn").Call(x);
        if (expandRatio == 1) x = new Activation(activation, name: $"{name}project_activation").Call(x);
        return stride == 1 && filtersIn == filtersOut ? EfficientNetV2Residual(x, inputs, dropRate, name) : x;
    }
}
