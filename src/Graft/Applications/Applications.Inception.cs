using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;

namespace Graft.Applications;

// InceptionV3 (Keras's keras/src/applications/inception_v3.py).
public static partial class Applications
{
    /// <summary>
    /// InceptionV3 (Szegedy et al., 2015; Keras's <c>keras.applications.InceptionV3</c>): 23.9M
    /// parameters, 21.8M without the top; 299x299 inputs by default, at least 75x75. Expects
    /// <c>PreprocessInput("inception_v3", x)</c>. Its convolutions have automatic names, as in Keras,
    /// so weights files load by position.
    /// </summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model InceptionV3(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "inception_v3")
    {
        const string subject = "Applications.InceptionV3";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 299, 75, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);
        const int axis = 3;
        SymbolicTensor Cat(string? n, params SymbolicTensor[] xs) => new Concatenate(axis, name: n).Call(xs);
        SymbolicTensor AvgPool(SymbolicTensor t) => new AveragePooling2D([3, 3], strides: [1, 1], padding: "same").Call(t);
        SymbolicTensor MaxPool(SymbolicTensor t) => new MaxPooling2D([3, 3], strides: [2, 2]).Call(t);

        var x = ConvBn(input, 32, 3, 3, strides: 2, padding: "valid");
        x = ConvBn(x, 32, 3, 3, padding: "valid");
        x = ConvBn(x, 64, 3, 3);
        x = MaxPool(x);
        x = ConvBn(x, 80, 1, 1, padding: "valid");
        x = ConvBn(x, 192, 3, 3, padding: "valid");
        x = MaxPool(x);

        // mixed 0, 1, 2: 35x35x256, 288, 288.
        for (int i = 0; i < 3; i++)
        {
            var b1 = ConvBn(x, 64, 1, 1);
            var b5 = ConvBn(ConvBn(x, 48, 1, 1), 64, 5, 5);
            var b3 = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
            var bp = ConvBn(AvgPool(x), i == 0 ? 32 : 64, 1, 1);
            x = Cat($"mixed{i}", b1, b5, b3, bp);
        }

        // mixed 3: 17x17x768.
        {
            var b3 = ConvBn(x, 384, 3, 3, strides: 2, padding: "valid");
            var bd = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides: 2, padding: "valid");
            x = Cat("mixed3", b3, bd, MaxPool(x));
        }

        // mixed 4 (128 filters), 5 and 6 (160), 7 (192): 17x17x768.
        int[] widths = [128, 160, 160, 192];
        for (int i = 0; i < 4; i++)
        {
            int w = widths[i];
            var b1 = ConvBn(x, 192, 1, 1);
            var b7 = ConvBn(ConvBn(ConvBn(x, w, 1, 1), w, 1, 7), 192, 7, 1);
            var bd = ConvBn(x, w, 1, 1);
            bd = ConvBn(bd, w, 7, 1);
            bd = ConvBn(bd, w, 1, 7);
            bd = ConvBn(bd, w, 7, 1);
            bd = ConvBn(bd, 192, 1, 7);
            var bp = ConvBn(AvgPool(x), 192, 1, 1);
            x = Cat($"mixed{4 + i}", b1, b7, bd, bp);
        }

        // mixed 8: 8x8x1280.
        {
            var b3 = ConvBn(ConvBn(x, 192, 1, 1), 320, 3, 3, strides: 2, padding: "valid");
            var b7 = ConvBn(ConvBn(ConvBn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
            b7 = ConvBn(b7, 192, 3, 3, strides: 2, padding: "valid");
            x = Cat("mixed8", b3, b7, MaxPool(x));
        }

        // mixed 9, 10: 8x8x2048.
        for (int i = 0; i < 2; i++)
        {
            var b1 = ConvBn(x, 320, 1, 1);
            var b3 = ConvBn(x, 384, 1, 1);
            b3 = Cat($"mixed9_{i}", ConvBn(b3, 384, 1, 3), ConvBn(b3, 384, 3, 1));
            var bd = ConvBn(ConvBn(x, 448, 1, 1), 384, 3, 3);
            bd = Cat(null, ConvBn(bd, 384, 1, 3), ConvBn(bd, 384, 3, 1));
            var bp = ConvBn(AvgPool(x), 192, 1, 1);
            x = Cat($"mixed{9 + i}", b1, b3, bd, bp);
        }

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling);
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = $"inception_v3_weights_tf_dim_ordering_tf_kernels{(includeTop ? "" : "_notop")}.h5";
            return new PretrainedFile(file, "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + file,
                includeTop ? "9a0d58056eeedaa3f26cb7ebd46da564" : "bcbd6486424b2319ff4ef7d526e38f63");
        });
    }

    /// <summary>Keras's <c>conv2d_bn</c>: convolution without bias, batch normalization without scale, ReLU; all automatically named.</summary>
    private static SymbolicTensor ConvBn(SymbolicTensor x, int filters, int rows, int cols, int strides = 1, string padding = "same")
    {
        x = new Conv2D(filters, [rows, cols], strides: [strides, strides], padding: padding, useBias: false).Call(x);
        x = new BatchNormalization(axis: 3, scale: false).Call(x);
        return new Activation("relu").Call(x);
    }
}
