using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;

namespace Graft.Applications;

// Xception (Keras's keras/src/applications/xception.py).
public static partial class Applications
{
    /// <summary>
    /// Xception (Chollet, 2016; Keras's <c>keras.applications.Xception</c>): depthwise separable
    /// convolutions with residual connections; 22.9M parameters, 20.9M without the top; 299x299
    /// inputs by default, at least 71x71. Expects <c>PreprocessInput("xception", x)</c>.
    /// </summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model Xception(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "xception")
    {
        const string subject = "Applications.Xception";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 299, 71, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);
        static BatchNormalization XBn(string? n = null) => new(axis: -1, name: n);
        static SymbolicTensor Relu(SymbolicTensor t, string n) => new Activation("relu", name: n).Call(t);
        static SymbolicTensor Sep(SymbolicTensor t, int filters, string n) =>
            XBn($"{n}_bn").Call(new SeparableConv2D(filters, [3, 3], padding: "same", useBias: false, name: n).Call(t));
        static SymbolicTensor Residual(SymbolicTensor t, int filters) =>
            XBn().Call(new Conv2D(filters, [1, 1], strides: [2, 2], padding: "same", useBias: false).Call(t));
        static SymbolicTensor Pool(SymbolicTensor t, string n) => new MaxPooling2D([3, 3], strides: [2, 2], padding: "same", name: n).Call(t);

        var x = new Conv2D(32, [3, 3], strides: [2, 2], useBias: false, name: "block1_conv1").Call(input);
        x = Relu(XBn("block1_conv1_bn").Call(x), "block1_conv1_act");
        x = new Conv2D(64, [3, 3], useBias: false, name: "block1_conv2").Call(x);
        x = Relu(XBn("block1_conv2_bn").Call(x), "block1_conv2_act");

        // Entry flow: blocks 2-4, each halving the size. Block 2 starts without a ReLU (the stem ended with one).
        int[] entry = [128, 256, 728];
        for (int b = 0; b < entry.Length; b++)
        {
            string p = $"block{b + 2}";
            var residual = Residual(x, entry[b]);
            if (b > 0) x = Relu(x, $"{p}_sepconv1_act");
            x = Sep(x, entry[b], $"{p}_sepconv1");
            x = Relu(x, $"{p}_sepconv2_act");
            x = Sep(x, entry[b], $"{p}_sepconv2");
            x = Pool(x, $"{p}_pool");
            x = new Add().Call([x, residual]);
        }

        // Middle flow: blocks 5-12.
        for (int i = 0; i < 8; i++)
        {
            var residual = x;
            string p = $"block{i + 5}";
            for (int k = 1; k <= 3; k++) x = Sep(Relu(x, $"{p}_sepconv{k}_act"), 728, $"{p}_sepconv{k}");
            x = new Add().Call([x, residual]);
        }

        // Exit flow.
        {
            var residual = Residual(x, 1024);
            x = Sep(Relu(x, "block13_sepconv1_act"), 728, "block13_sepconv1");
            x = Sep(Relu(x, "block13_sepconv2_act"), 1024, "block13_sepconv2");
            x = Pool(x, "block13_pool");
            x = new Add().Call([x, residual]);
        }
        x = Relu(Sep(x, 1536, "block14_sepconv1"), "block14_sepconv1_act");
        x = Relu(Sep(x, 2048, "block14_sepconv2"), "block14_sepconv2_act");

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling);
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = $"xception_weights_tf_dim_ordering_tf_kernels{(includeTop ? "" : "_notop")}.h5";
            return new PretrainedFile(file, "https://storage.googleapis.com/tensorflow/keras-applications/xception/" + file,
                includeTop ? "0a58e3b7378bc2990ea3b43d5981f1f6" : "b0042744bf5b25fce3cb969f33bebb97");
        });
    }
}
