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

// EfficientNetB0 to B7 (Keras's keras/src/applications/efficientnet.py).
public static partial class Applications
{
    private const string EfficientNetWeightsBase = "https://storage.googleapis.com/keras-applications/";

    // Keras's published MD5s: (with top, without top).
    private static readonly Dictionary<string, (string Top, string NoTop)> s_efficientNetHashes = new()
    {
        ["b0"] = ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
        ["b1"] = ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
        ["b2"] = ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
        ["b3"] = ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
        ["b4"] = ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
        ["b5"] = ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
        ["b6"] = ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
        ["b7"] = ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
    };

    // The seven stages of EfficientNet-B0 before scaling: kernel, repeats, filters in and out, expansion, stride (squeeze-excite 0.25 everywhere).
    private static readonly (int Kernel, int Repeats, int FiltersIn, int FiltersOut, int Expand, int Stride)[] s_efficientNetBlocks =
    [
        (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
        (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
    ];

    // ImageNet's per-channel standard deviations; Keras's published weights hold them as the normalization's variance.
    private static readonly float[] s_imagenetStdRgb = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// EfficientNetB0 (Tan and Le, 2019; Keras's <c>keras.applications.EfficientNetB0</c>): 5.3M parameters,
    /// 4.0M without the top; 224x224 by default. The model rescales and normalizes pixels in [0, 255] itself:
    /// <c>PreprocessInput("efficientnet", x)</c> passes them through.
    /// </summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB0(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb0") =>
        EfficientNet(1.0, 1.0, 224, 0.2, "b0", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB1 (Keras's <c>keras.applications.EfficientNetB1</c>): 7.9M parameters, 6.6M without the top; 240x240 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB1(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb1") =>
        EfficientNet(1.0, 1.1, 240, 0.2, "b1", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB2 (Keras's <c>keras.applications.EfficientNetB2</c>): 9.2M parameters, 7.8M without the top; 260x260 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB2(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb2") =>
        EfficientNet(1.1, 1.2, 260, 0.3, "b2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB3 (Keras's <c>keras.applications.EfficientNetB3</c>): 12.3M parameters, 10.8M without the top; 300x300 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB3(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb3") =>
        EfficientNet(1.2, 1.4, 300, 0.3, "b3", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB4 (Keras's <c>keras.applications.EfficientNetB4</c>): 19.5M parameters, 17.7M without the top; 380x380 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB4(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb4") =>
        EfficientNet(1.4, 1.8, 380, 0.4, "b4", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB5 (Keras's <c>keras.applications.EfficientNetB5</c>): 30.6M parameters, 28.5M without the top; 456x456 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB5(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb5") =>
        EfficientNet(1.6, 2.2, 456, 0.4, "b5", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB6 (Keras's <c>keras.applications.EfficientNetB6</c>): 43.3M parameters, 41.0M without the top; 528x528 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB6(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb6") =>
        EfficientNet(1.8, 2.6, 528, 0.5, "b6", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>EfficientNetB7 (Keras's <c>keras.applications.EfficientNetB7</c>): 66.7M parameters, 64.1M without the top; 600x600 by default.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model EfficientNetB7(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb7") =>
        EfficientNet(2.0, 3.1, 600, 0.5, "b7", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    // Keras's initializers for EfficientNet: He-like truncated normal on fan-out for convolutions, uniform for the classifier.
    private static VarianceScaling ConvInit() => new(2.0, "fan_out", "truncated_normal");

    private static Model EfficientNet(double widthCoefficient, double depthCoefficient, int defaultSize, double dropoutRate, string weightsName,
        bool includeTop, string? weights, SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        const double dropConnectRate = 0.2;
        const int depthDivisor = 8;
        const string activation = "swish";
        string subject = $"Applications.EfficientNet{weightsName.ToUpperInvariant()}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, defaultSize, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        int RoundFilters(int filters)
        {
            double f = filters * widthCoefficient;
            int rounded = Math.Max(depthDivisor, (int)(f + depthDivisor / 2.0) / depthDivisor * depthDivisor);
            return rounded < 0.9 * f ? rounded + depthDivisor : rounded;
        }
        int RoundRepeats(int repeats) => (int)Math.Ceiling(depthCoefficient * repeats);

        var x = new Rescaling(1f / 255f).Call(input);
        x = new Normalization(axis: [3]).Call(x);
        // Keras's published weights store the standard deviation where the variance belongs; this rescaling corrects it.
        if (weights == "imagenet") x = new Rescaling(s_imagenetStdRgb.Select(s => (float)(1.0 / Math.Sqrt(s))).ToArray()).Call(x);
        x = new ZeroPadding2D(ApplicationBuilder.CorrectPad(x, 3), name: "stem_conv_pad").Call(x);
        x = new Conv2D(RoundFilters(32), [3, 3], strides: [2, 2], padding: "valid", useBias: false, kernelInitializer: ConvInit(), name: "stem_conv").Call(x);
        x = new BatchNormalization(axis: 3, name: "stem_bn").Call(x);
        x = new Activation(activation, name: "stem_activation").Call(x);

        int b = 0;
        double total = s_efficientNetBlocks.Sum(a => RoundRepeats(a.Repeats));
        for (int i = 0; i < s_efficientNetBlocks.Length; i++)
        {
            var a = s_efficientNetBlocks[i];
            int filtersIn = RoundFilters(a.FiltersIn), filtersOut = RoundFilters(a.FiltersOut), stride = a.Stride;
            for (int j = 0; j < RoundRepeats(a.Repeats); j++)
            {
                if (j > 0) { stride = 1; filtersIn = filtersOut; }
                x = EfficientNetBlock(x, activation, dropConnectRate * b / total, $"block{i + 1}{(char)('a' + j)}_",
                    filtersIn, filtersOut, a.Kernel, stride, a.Expand, 0.25);
                b++;
            }
        }
        x = new Conv2D(RoundFilters(1280), [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: "top_conv").Call(x);
        x = new BatchNormalization(axis: 3, name: "top_bn").Call(x);
        x = new Activation(activation, name: "top_activation").Call(x);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
            if (dropoutRate > 0) x = new Dropout((float)dropoutRate, name: "top_dropout").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, kernelInitializer: new VarianceScaling(1.0 / 3.0, "fan_out", "uniform"), name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling, "avg_pool", "max_pool");
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = name + (includeTop ? ".h5" : "_notop.h5");   // Keras names the file after the model
            var (top, noTop) = s_efficientNetHashes[weightsName];
            return new PretrainedFile(file, EfficientNetWeightsBase + file, includeTop ? top : noTop);
        });
    }

    /// <summary>Keras's mobile inverted bottleneck: expansion, depthwise convolution, squeeze-and-excitation, projection, and a dropped-path shortcut.</summary>
    private static SymbolicTensor EfficientNetBlock(SymbolicTensor inputs, string activation, double dropRate, string name,
        int filtersIn, int filtersOut, int kernel, int stride, int expandRatio, double seRatio)
    {
        int filters = filtersIn * expandRatio;
        var x = inputs;
        if (expandRatio != 1)
        {
            x = new Conv2D(filters, [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}expand_conv").Call(x);
            x = new BatchNormalization(axis: 3, name: $"{name}expand_bn").Call(x);
            x = new Activation(activation, name: $"{name}expand_activation").Call(x);
        }
        string padding = "same";
        if (stride == 2)
        {
            x = new ZeroPadding2D(ApplicationBuilder.CorrectPad(x, kernel), name: $"{name}dwconv_pad").Call(x);
            padding = "valid";
        }
        x = new DepthwiseConv2D([kernel, kernel], strides: [stride, stride], padding: padding, useBias: false, depthwiseInitializer: ConvInit(), name: $"{name}dwconv").Call(x);
        x = new BatchNormalization(axis: 3, name: $"{name}bn").Call(x);
        x = new Activation(activation, name: $"{name}activation").Call(x);
        if (seRatio is > 0 and <= 1)
        {
            int filtersSe = Math.Max(1, (int)(filtersIn * seRatio));
            var se = new GlobalAveragePooling2D(name: $"{name}se_squeeze").Call(x);
            se = new Reshape([1, 1, filters], name: $"{name}se_reshape").Call(se);
            se = new Conv2D(filtersSe, [1, 1], padding: "same", activation: activation, kernelInitializer: ConvInit(), name: $"{name}se_reduce").Call(se);
            se = new Conv2D(filters, [1, 1], padding: "same", activation: "sigmoid", kernelInitializer: ConvInit(), name: $"{name}se_expand").Call(se);
            x = new Multiply(name: $"{name}se_excite").Call([x, se]);
        }
        x = new Conv2D(filtersOut, [1, 1], padding: "same", useBias: false, kernelInitializer: ConvInit(), name: $"{name}project_conv").Call(x);
        x = new BatchNormalization(axis: 3, name: $"{name}project_bn").Call(x);
        if (stride == 1 && filtersIn == filtersOut)
        {
            // Keras's noise shape (None, 1, 1, 1): one decision per sample drops the whole residual path.
            if (dropRate > 0) x = new Dropout((float)dropRate, noiseShape: [-1, 1, 1, 1], name: $"{name}drop").Call(x);
            x = new Add(name: $"{name}add").Call([x, inputs]);
        }
        return x;
    }
}
