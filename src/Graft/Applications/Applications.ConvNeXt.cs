using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Models;

namespace Graft.Applications;

// ConvNeXt Tiny, Small, Base, Large and XLarge (Keras's keras/src/applications/convnext.py).
public static partial class Applications
{
    private const string ConvNeXtWeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/";

    // Keras's published SHA-256s (Keras's get_file tells the algorithm by the length): (with top, without top).
    private static readonly Dictionary<string, (string Top, string NoTop)> s_convNeXtHashes = new()
    {
        ["convnext_tiny"] = ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff", "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
        ["convnext_small"] = ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c", "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
        ["convnext_base"] = ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6", "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
        ["convnext_large"] = ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6", "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
        ["convnext_xlarge"] = ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee", "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
    };

    /// <summary>
    /// ConvNeXtTiny (Liu et al., 2022; Keras's <c>keras.applications.ConvNeXtTiny</c>): 28.6M parameters; 224x224 by
    /// default. With <paramref name="includePreprocessing"/> the model takes pixels in [0, 255] and normalizes them with
    /// ImageNet's statistics itself (<c>PreprocessInput("convnext", x)</c> passes them through).
    /// </summary>
    /// <param name="includeTop">Include the classifier (average pooling, layer normalization, a dense layer).</param>
    /// <param name="includePreprocessing">Normalize the pixels inside the model, as Keras does by default; keep it with ImageNet weights.</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="inputShape">Per-sample shape (height, width, 3), −1 for a free size; only without the top; at least 32x32.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max"; a layer normalization follows, as in Keras.</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="name">Model name, the prefix of every layer's name; with ImageNet weights it must contain the variant's name.</param>
    public static Model ConvNeXtTiny(bool includeTop = true, bool includePreprocessing = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null,
        int[]? inputShape = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "convnext_tiny") =>
        ConvNeXt([3, 3, 9, 3], [96, 192, 384, 768], "convnext_tiny", includeTop, includePreprocessing, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ConvNeXtSmall (Keras's <c>keras.applications.ConvNeXtSmall</c>): 50.2M parameters; 224x224 by default.</summary>
    /// <inheritdoc cref="ConvNeXtTiny" path="/param"/>
    public static Model ConvNeXtSmall(bool includeTop = true, bool includePreprocessing = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null,
        int[]? inputShape = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "convnext_small") =>
        ConvNeXt([3, 3, 27, 3], [96, 192, 384, 768], "convnext_small", includeTop, includePreprocessing, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ConvNeXtBase (Keras's <c>keras.applications.ConvNeXtBase</c>): 88.5M parameters; 224x224 by default; pre-trained on ImageNet-21k, fine-tuned on ImageNet-1k.</summary>
    /// <inheritdoc cref="ConvNeXtTiny" path="/param"/>
    public static Model ConvNeXtBase(bool includeTop = true, bool includePreprocessing = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null,
        int[]? inputShape = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "convnext_base") =>
        ConvNeXt([3, 3, 27, 3], [128, 256, 512, 1024], "convnext_base", includeTop, includePreprocessing, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ConvNeXtLarge (Keras's <c>keras.applications.ConvNeXtLarge</c>): 197.7M parameters; 224x224 by default; pre-trained on ImageNet-21k, fine-tuned on ImageNet-1k.</summary>
    /// <inheritdoc cref="ConvNeXtTiny" path="/param"/>
    public static Model ConvNeXtLarge(bool includeTop = true, bool includePreprocessing = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null,
        int[]? inputShape = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "convnext_large") =>
        ConvNeXt([3, 3, 27, 3], [192, 384, 768, 1536], "convnext_large", includeTop, includePreprocessing, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ConvNeXtXLarge (Keras's <c>keras.applications.ConvNeXtXLarge</c>): 350.1M parameters; 224x224 by default; pre-trained on ImageNet-21k, fine-tuned on ImageNet-1k.</summary>
    /// <inheritdoc cref="ConvNeXtTiny" path="/param"/>
    public static Model ConvNeXtXLarge(bool includeTop = true, bool includePreprocessing = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null,
        int[]? inputShape = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "convnext_xlarge") =>
        ConvNeXt([3, 3, 27, 3], [256, 512, 1024, 2048], "convnext_xlarge", includeTop, includePreprocessing, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    private static Model ConvNeXt(int[] depths, int[] projectionDims, string weightsName, bool includeTop, bool includePreprocessing, string? weights,
        SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        // Keras's applications build ConvNeXt with no stochastic depth and layer scale 1e-6.
        const double dropPathRate = 0.0, layerScaleInitValue = 1e-6, epsilon = 1e-6;
        // "convnext_xlarge" → "Applications.ConvNeXtXLarge", the method's name.
        string variant = weightsName["convnext_".Length..];
        string subject = "Applications.ConvNeXt" + (variant == "xlarge" ? "XLarge" : char.ToUpperInvariant(variant[0]) + variant[1..]);
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        if (weights == "imagenet" && !name.Contains(weightsName, StringComparison.Ordinal))
            throw new ArgumentException($"{subject}: expected a model name containing '{weightsName}' with weights \"imagenet\", got '{name}'. Keras names the layers, and so the weights, after the model.", nameof(name));
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 224, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        var x = input;
        if (includePreprocessing && shape[2] == 3)
            x = new Normalization(mean: new[] { 0.485 * 255, 0.456 * 255, 0.406 * 255 },
                variance: new[] { Math.Pow(0.229 * 255, 2), Math.Pow(0.224 * 255, 2), Math.Pow(0.225 * 255, 2) }, name: $"{name}_prestem_normalization").Call(x);

        // Keras builds the stem and each downsampling step as a nested Sequential model, which its weight files keep as one group each.
        var downsample = new List<Sequential>
        {
            new([new Conv2D(projectionDims[0], [4, 4], strides: [4, 4], name: $"{name}_stem_conv"), new LayerNormalization(epsilon: epsilon, name: $"{name}_stem_layernorm")],
                name: $"{name}_stem"),
        };
        for (int i = 0; i < 3; i++)
            downsample.Add(new([new LayerNormalization(epsilon: epsilon, name: $"{name}_downsampling_layernorm_{i}"),
                new Conv2D(projectionDims[i + 1], [2, 2], strides: [2, 2], name: $"{name}_downsampling_conv_{i}")], name: $"{name}_downsampling_block_{i}"));

        int totalBlocks = depths.Sum(), cur = 0;
        for (int i = 0; i < 4; i++)
        {
            x = downsample[i].Call(x);
            for (int j = 0; j < depths[i]; j++)
            {
                // Keras's np.linspace(0, drop_path_rate, total) per block.
                double rate = totalBlocks > 1 ? dropPathRate * (cur + j) / (totalBlocks - 1) : 0;
                x = ConvNeXtBlock(x, projectionDims[i], rate, layerScaleInitValue, epsilon, $"{name}_stage_{i}_block_{j}");
            }
            cur += depths[i];
        }

        if (includeTop)
        {
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new GlobalAveragePooling2D(name: $"{name}_head_gap").Call(x);
            x = new LayerNormalization(epsilon: epsilon, name: $"{name}_head_layernorm").Call(x);
            x = new Dense(classes, activation: classifierActivation, name: $"{name}_head_dense").Call(x);
        }
        else
        {
            x = ApplicationBuilder.Pooling(x, pooling);
            x = new LayerNormalization(epsilon: epsilon).Call(x);
        }
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = name + (includeTop ? ".h5" : "_notop.h5");
            var (top, noTop) = s_convNeXtHashes[weightsName];
            return new PretrainedFile(file, ConvNeXtWeightsBase + file, includeTop ? top : noTop);
        });
    }

    /// <summary>
    /// Keras's ConvNeXtBlock: a 7x7 depthwise convolution (Conv2D with one group per channel), layer normalization,
    /// a pointwise MLP (Dense layers, as the original), layer scale, stochastic depth, and the residual sum.
    /// </summary>
    private static SymbolicTensor ConvNeXtBlock(SymbolicTensor inputs, int projectionDim, double dropPathRate, double layerScaleInitValue, double epsilon, string name)
    {
        var x = new Conv2D(projectionDim, [7, 7], padding: "same", groups: projectionDim, name: $"{name}_depthwise_conv").Call(inputs);
        x = new LayerNormalization(epsilon: epsilon, name: $"{name}_layernorm").Call(x);
        x = new Dense(4 * projectionDim, name: $"{name}_pointwise_conv_1").Call(x);
        x = new Activation("gelu", name: $"{name}_gelu").Call(x);
        x = new Dense(projectionDim, name: $"{name}_pointwise_conv_2").Call(x);
        x = new LayerScale(layerScaleInitValue, projectionDim, name: $"{name}_layer_scale").Call(x);
        Layer path = dropPathRate > 0 ? new StochasticDepth(dropPathRate, name: $"{name}_stochastic_depth") : new Activation("linear", name: $"{name}_identity");
        // Keras writes inputs + branch, an unnamed add operation; weight files are unaffected.
        return new Add().Call([inputs, path.Call(x)]);
    }
}
