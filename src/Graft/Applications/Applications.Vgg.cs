using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;

namespace Graft.Applications;

// VGG16 and VGG19 (Keras's keras/src/applications/vgg16.py and vgg19.py).
public static partial class Applications
{
    /// <summary>VGG16 (Simonyan and Zisserman, 2014; Keras's <c>keras.applications.VGG16</c>): 138.4M parameters, 14.7M without the top. Expects <c>PreprocessInput("vgg16", x)</c>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model VGG16(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "vgg16") =>
        Vgg([2, 2, 3, 3, 3], "vgg16", ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"), "VGG16",
            includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>VGG19 (Keras's <c>keras.applications.VGG19</c>): 143.7M parameters, 20.0M without the top. Expects <c>PreprocessInput("vgg19", x)</c>.</summary>
    /// <inheritdoc cref="ResNet50" path="/param"/>
    public static Model VGG19(bool includeTop = true, string? weights = "imagenet", SymbolicTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "vgg19") =>
        Vgg([2, 2, 4, 4, 4], "vgg19", ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"), "VGG19",
            includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>Five blocks of 3x3 convolutions (64 to 512 filters) each closed by 2x2 max pooling, then two 4096-unit layers.</summary>
    private static Model Vgg(int[] convsPerBlock, string weightsName, (string Top, string NoTop) hashes, string subject, bool includeTop, string? weights,
        SymbolicTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        subject = $"Applications.{subject}";
        ApplicationBuilder.CheckArguments(subject, weights, includeTop, classes, pooling);
        var shape = ApplicationBuilder.ObtainInputShape(subject, inputShape, 224, 32, includeTop, weights);
        var input = ApplicationBuilder.Input(subject, shape, inputTensor);
        int[] filters = [64, 128, 256, 512, 512];
        var x = input;
        for (int b = 0; b < filters.Length; b++)
        {
            for (int k = 1; k <= convsPerBlock[b]; k++)
                x = new Conv2D(filters[b], [3, 3], padding: "same", activation: "relu", name: $"block{b + 1}_conv{k}").Call(x);
            x = new MaxPooling2D([2, 2], strides: [2, 2], name: $"block{b + 1}_pool").Call(x);
        }
        if (includeTop)
        {
            x = new Flatten(name: "flatten").Call(x);
            x = new Dense(4096, activation: "relu", name: "fc1").Call(x);
            x = new Dense(4096, activation: "relu", name: "fc2").Call(x);
            ApplicationBuilder.ValidateActivation(subject, classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Call(x);
        }
        else x = ApplicationBuilder.Pooling(x, pooling);
        return ApplicationBuilder.Finish(subject, input, x, name, weights, () =>
        {
            string file = $"{weightsName}_weights_tf_dim_ordering_tf_kernels{(includeTop ? "" : "_notop")}.h5";
            return new PretrainedFile(file, $"https://storage.googleapis.com/tensorflow/keras-applications/{weightsName}/{file}", includeTop ? hashes.Top : hashes.NoTop);
        });
    }
}
