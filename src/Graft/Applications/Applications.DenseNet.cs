using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;

namespace Graft.Applications;

// DenseNet121, 169 and 201 (Keras's keras/src/applications/densenet.py).
public static partial class Applications
{
    private const string DenseNetWeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/";

    /// <summary>DenseNet121 (Huang et al., 2016; Keras's <c>keras.applications.DenseNet121</c>): 8.1M parameters, 7.0M without the top. Expects <c>PreprocessInput("densenet", x)</c>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model DenseNet121(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet121") =>
        DenseNet([6, 12, 24, 16], "densenet121", ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"), "DenseNet121",
            includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>DenseNet169 (Keras's <c>keras.applications.DenseNet169</c>): 14.3M parameters, 12.6M without the top.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model DenseNet169(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet169") =>
        DenseNet([6, 12, 32, 32], "densenet169", ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"), "DenseNet169",
            includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>DenseNet201 (Keras's <c>keras.applications.DenseNet201</c>): 20.2M parameters, 18.3M without the top.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model DenseNet201(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet201") =>
        DenseNet([6, 12, 48, 32], "densenet201", ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"), "DenseNet201",
            includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    private static Model DenseNet(int[] blocks, string weightsName, (string Top, string NoTop) hashes, string subject, bool includeTop, string? weights,
        SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        subject = $"Applications.{subject}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 224, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        var x = new ZeroPadding2D(((3, 3), (3, 3))).Call(input);
        x = new Conv2D(64, [7, 7], strides: [2, 2], useBias: false, name: "conv1_conv").Call(x);
        x = Bn("conv1_bn").Call(x);
        x = new Activation("relu", name: "conv1_relu").Call(x);
        x = new ZeroPadding2D(((1, 1), (1, 1))).Call(x);
        x = new MaxPooling2D([3, 3], strides: [2, 2], name: "pool1").Call(x);
        for (int s = 0; s < blocks.Length; s++)
        {
            for (int i = 1; i <= blocks[s]; i++) x = DenseConvBlock(x, 32, $"conv{s + 2}_block{i}");
            if (s < blocks.Length - 1) x = TransitionBlock(x, 0.5, $"pool{s + 2}");
        }
        x = Bn("bn").Call(x);
        x = new Activation("relu", name: "relu").Call(x);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling, "avg_pool", "max_pool");
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = $"{weightsName}_weights_tf_dim_ordering_tf_kernels{(includeTop ? "" : "_notop")}.h5";
            return new PretrainedFile(file, DenseNetWeightsBase + file, includeTop ? hashes.Top : hashes.NoTop);
        });
    }

    private static SymbolicTensor TransitionBlock(SymbolicTensor x, double reduction, string name)
    {
        x = Bn($"{name}_bn").Call(x);
        x = new Activation("relu", name: $"{name}_relu").Call(x);
        int channels = x.Shape[3] ?? throw new InvalidOperationException("DenseNet: expected a known channel count.");
        x = new Conv2D((int)(channels * reduction), [1, 1], useBias: false, name: $"{name}_conv").Call(x);
        return new AveragePooling2D([2, 2], strides: [2, 2], name: $"{name}_pool").Call(x);
    }

    private static SymbolicTensor DenseConvBlock(SymbolicTensor x, int growthRate, string name)
    {
        var x1 = Bn($"{name}_0_bn").Call(x);
        x1 = new Activation("relu", name: $"{name}_0_relu").Call(x1);
        x1 = new Conv2D(4 * growthRate, [1, 1], useBias: false, name: $"{name}_1_conv").Call(x1);
        x1 = Bn($"{name}_1_bn").Call(x1);
        x1 = new Activation("relu", name: $"{name}_1_relu").Call(x1);
        x1 = new Conv2D(growthRate, [3, 3], padding: "same", useBias: false, name: $"{name}_2_conv").Call(x1);
        return new Concatenate(axis: 3, name: $"{name}_concat").Call([x, x1]);
    }
}
