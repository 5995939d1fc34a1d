using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;

namespace Graft.Applications;

// ResNet and ResNetV2 (Keras's keras/src/applications/resnet.py and resnet_v2.py).
public static partial class Applications
{
    private const string ResNetWeightsBase = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";

    // Keras's published MD5s: (with top, without top).
    private static readonly Dictionary<string, (string Top, string NoTop)> s_resNetHashes = new()
    {
        ["resnet50"] = ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
        ["resnet101"] = ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
        ["resnet152"] = ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
        ["resnet50v2"] = ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
        ["resnet101v2"] = ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
        ["resnet152v2"] = ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
    };

    /// <summary>ResNet50 (He et al., 2015; Keras's <c>keras.applications.ResNet50</c>): 25.6M parameters, 23.6M without the top. Expects <c>PreprocessInput("resnet", x)</c>.</summary>
    /// <param name="includeTop">Include the 1000-way classifier (average pooling and <c>predictions</c>).</param>
    /// <param name="weights">null (random), "imagenet", or the path of a weights file.</param>
    /// <param name="inputTensor">An output of <c>Keras.Input</c> to use as the model's input.</param>
    /// <param name="inputShape">Per-sample shape (height, width, 3), −1 for a free size; only without the top; at least 32x32.</param>
    /// <param name="pooling">Without the top: null (4D features), "avg" or "max".</param>
    /// <param name="classes">Classifier size; 1000 with ImageNet weights.</param>
    /// <param name="classifierActivation">The classifier's activation; "softmax" or null with pre-trained weights.</param>
    /// <param name="name">Model name.</param>
    public static Model ResNet50(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet50") =>
        ResNet([(64, 3), (128, 4), (256, 6), (512, 3)], preact: false, "resnet50", "ResNet50", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ResNet101 (Keras's <c>keras.applications.ResNet101</c>): 44.7M parameters, 42.7M without the top. Arguments as <see cref="ResNet50"/>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model ResNet101(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet101") =>
        ResNet([(64, 3), (128, 4), (256, 23), (512, 3)], preact: false, "resnet101", "ResNet101", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ResNet152 (Keras's <c>keras.applications.ResNet152</c>): 60.4M parameters, 58.4M without the top. Arguments as <see cref="ResNet50"/>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model ResNet152(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet152") =>
        ResNet([(64, 3), (128, 8), (256, 36), (512, 3)], preact: false, "resnet152", "ResNet152", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ResNet50V2 (He et al., 2016, pre-activation; Keras's <c>keras.applications.ResNet50V2</c>): 25.6M parameters, 23.6M without the top. Expects <c>PreprocessInput("resnet_v2", x)</c>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model ResNet50V2(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet50v2") =>
        ResNet([(64, 3), (128, 4), (256, 6), (512, 3)], preact: true, "resnet50v2", "ResNet50V2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ResNet101V2 (Keras's <c>keras.applications.ResNet101V2</c>): 44.7M parameters, 42.6M without the top.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model ResNet101V2(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet101v2") =>
        ResNet([(64, 3), (128, 4), (256, 23), (512, 3)], preact: true, "resnet101v2", "ResNet101V2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>ResNet152V2 (Keras's <c>keras.applications.ResNet152V2</c>): 60.4M parameters, 58.3M without the top.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model ResNet152V2(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet152v2") =>
        ResNet([(64, 3), (128, 8), (256, 36), (512, 3)], preact: true, "resnet152v2", "ResNet152V2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>Keras's <c>ResNet</c>: the stem, four stacks of bottleneck blocks (filters, blocks), and the head.</summary>
    private static Model ResNet((int Filters, int Blocks)[] stacks, bool preact, string weightsName, string subject, bool includeTop, string? weights,
        SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        subject = $"Applications.{subject}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 224, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);

        var x = new ZeroPadding2D(((3, 3), (3, 3)), name: "conv1_pad").Call(input);
        x = new Conv2D(64, [7, 7], strides: [2, 2], useBias: true, name: "conv1_conv").Call(x);
        if (!preact)
        {
            x = Bn("conv1_bn").Call(x);
            x = new Activation("relu", name: "conv1_relu").Call(x);
        }
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: "pool1_pad").Call(x);
        x = new MaxPooling2D([3, 3], strides: [2, 2], name: "pool1_pool").Call(x);
        for (int s = 0; s < stacks.Length; s++)
        {
            string stack = $"conv{s + 2}";
            // V1 strides in the first block of every stack but the first; V2 in the last block of every stack but the last.
            x = preact
                ? StackV2(x, stacks[s].Filters, stacks[s].Blocks, s == stacks.Length - 1 ? 1 : 2, stack)
                : StackV1(x, stacks[s].Filters, stacks[s].Blocks, s == 0 ? 1 : 2, stack);
        }
        if (preact)
        {
            x = Bn("post_bn").Call(x);
            x = new Activation("relu", name: "post_relu").Call(x);
        }
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
            var (top, noTop) = s_resNetHashes[weightsName];
            return new PretrainedFile(file, ResNetWeightsBase + file, includeTop ? top : noTop);
        });
    }

    // ResNet's batch normalization: channels axis, epsilon 1.001e-5 (Keras's value, kept for its weights).
    private static BatchNormalization Bn(string name) => new(axis: 3, epsilon: 1.001e-5f, name: name);

    private static SymbolicTensor StackV1(SymbolicTensor x, int filters, int blocks, int stride1, string name)
    {
        x = BlockV1(x, filters, stride1, convShortcut: true, $"{name}_block1");
        for (int i = 2; i <= blocks; i++) x = BlockV1(x, filters, 1, convShortcut: false, $"{name}_block{i}");
        return x;
    }

    private static SymbolicTensor BlockV1(SymbolicTensor x, int filters, int stride, bool convShortcut, string name)
    {
        var shortcut = x;
        if (convShortcut)
        {
            shortcut = new Conv2D(4 * filters, [1, 1], strides: [stride, stride], name: $"{name}_0_conv").Call(x);
            shortcut = Bn($"{name}_0_bn").Call(shortcut);
        }
        x = new Conv2D(filters, [1, 1], strides: [stride, stride], name: $"{name}_1_conv").Call(x);
        x = Bn($"{name}_1_bn").Call(x);
        x = new Activation("relu", name: $"{name}_1_relu").Call(x);
        x = new Conv2D(filters, [3, 3], padding: "same", name: $"{name}_2_conv").Call(x);
        x = Bn($"{name}_2_bn").Call(x);
        x = new Activation("relu", name: $"{name}_2_relu").Call(x);
        x = new Conv2D(4 * filters, [1, 1], name: $"{name}_3_conv").Call(x);
        x = Bn($"{name}_3_bn").Call(x);
        x = new Add(name: $"{name}_add").Call([shortcut, x]);
        return new Activation("relu", name: $"{name}_out").Call(x);
    }

    private static SymbolicTensor StackV2(SymbolicTensor x, int filters, int blocks, int stride1, string name)
    {
        x = BlockV2(x, filters, 1, convShortcut: true, $"{name}_block1");
        for (int i = 2; i < blocks; i++) x = BlockV2(x, filters, 1, convShortcut: false, $"{name}_block{i}");
        return BlockV2(x, filters, stride1, convShortcut: false, $"{name}_block{blocks}");
    }

    private static SymbolicTensor BlockV2(SymbolicTensor x, int filters, int stride, bool convShortcut, string name)
    {
        var preact = Bn($"{name}_preact_bn").Call(x);
        preact = new Activation("relu", name: $"{name}_preact_relu").Call(preact);
        SymbolicTensor shortcut = convShortcut
            ? new Conv2D(4 * filters, [1, 1], strides: [stride, stride], name: $"{name}_0_conv").Call(preact)
            : stride > 1 ? new MaxPooling2D([1, 1], strides: [stride, stride]).Call(x) : x;
        x = new Conv2D(filters, [1, 1], useBias: false, name: $"{name}_1_conv").Call(preact);
        x = Bn($"{name}_1_bn").Call(x);
        x = new Activation("relu", name: $"{name}_1_relu").Call(x);
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: $"{name}_2_pad").Call(x);
        x = new Conv2D(filters, [3, 3], strides: [stride, stride], useBias: false, name: $"{name}_2_conv").Call(x);
        x = Bn($"{name}_2_bn").Call(x);
        x = new Activation("relu", name: $"{name}_2_relu").Call(x);
        x = new Conv2D(4 * filters, [1, 1], name: $"{name}_3_conv").Call(x);
        return new Add(name: $"{name}_out").Call([shortcut, x]);
    }
}
