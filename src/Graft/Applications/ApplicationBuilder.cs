using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Models;

namespace Graft.Applications;

/// <summary>
/// What every Keras application shares (Keras's <c>imagenet_utils</c> helpers and the common head of
/// each constructor): argument checks, the input, the pooling or classifier top, and loading weights.
/// </summary>
internal static class ApplicationBuilder
{
    /// <summary>Keras's checks on <c>weights</c> and <c>classes</c>, before anything is built.</summary>
    public static void CheckArguments(string subject, string? weights, bool includeTop, int classes, string? pooling)
    {
        if (!(weights is null or "imagenet" || File.Exists(weights)))
            throw new ArgumentException($"{subject}: expected weights null (random initialization), \"imagenet\" (pre-trained on ImageNet) or the path of a weights file, got '{weights}', which names no file.", nameof(weights));
        if (weights == "imagenet" && includeTop && classes != 1000)
            throw new ArgumentException($"{subject}: expected classes = 1000 with weights \"imagenet\" and includeTop true, got classes = {classes}. Use includeTop: false and add your own classifier.", nameof(classes));
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), $"{subject}: expected classes >= 1, got {classes}.");
        // Keras ignores an unknown pooling mode; a typo would silently give a 4D output.
        if (pooling is not (null or "avg" or "max"))
            throw new ArgumentException($"{subject}: expected pooling null, \"avg\" or \"max\", got '{pooling}'.", nameof(pooling));
    }

    /// <summary>
    /// Keras's <c>obtain_input_shape</c> (channels last): the per-sample input shape, −1 for a free
    /// dimension. With the top and ImageNet weights only the default size is accepted; without the top
    /// the default is (−1, −1, 3), and given sizes must be at least <paramref name="minSize"/>.
    /// </summary>
    public static int[] ObtainInputShape(string subject, int[]? inputShape, int defaultSize, int minSize, bool requireFlatten, string? weights)
    {
        int[] defaultShape = weights != "imagenet" && inputShape is { Length: 3 } ? [defaultSize, defaultSize, inputShape[2]] : [defaultSize, defaultSize, 3];
        string Format(int[] s) => Layer.FormatShape(s.Select(d => d < 0 ? null : (int?)d).ToArray());
        if (weights == "imagenet" && requireFlatten)
        {
            if (inputShape is not null && !inputShape.SequenceEqual(defaultShape))
                throw new ArgumentException($"{subject}: expected inputShape {Format(defaultShape)} with includeTop true and weights \"imagenet\", got {Format(inputShape)}. Use includeTop: false for other sizes.", nameof(inputShape));
            return defaultShape;
        }
        if (inputShape is not null)
        {
            if (inputShape.Length != 3)
                throw new ArgumentException($"{subject}: expected inputShape of three dimensions (height, width, channels), got {Format(inputShape)}.", nameof(inputShape));
            if (weights == "imagenet" && inputShape[2] != 3)
                throw new ArgumentException($"{subject}: expected 3 input channels with weights \"imagenet\", got inputShape {Format(inputShape)}.", nameof(inputShape));
            if ((inputShape[0] >= 0 && inputShape[0] < minSize) || (inputShape[1] >= 0 && inputShape[1] < minSize))
                throw new ArgumentException($"{subject}: expected an input of at least {minSize}x{minSize}, got inputShape {Format(inputShape)}.", nameof(inputShape));
        }
        else inputShape = requireFlatten ? defaultShape : [-1, -1, 3];
        if (requireFlatten && inputShape.Any(d => d < 0))
            throw new ArgumentException($"{subject}: expected a fixed inputShape with includeTop true, got {Format(inputShape)}.", nameof(inputShape));
        return inputShape;
    }

    /// <summary>The model's input: <paramref name="inputTensor"/> when given (an output of <c>Keras.Input</c>), else a new input of <paramref name="shape"/>.</summary>
    public static SymbolicTensor Input(string subject, int[] shape, SymbolicTensor? inputTensor)
    {
        if (inputTensor is null) return Keras.Input(shape);
        if (inputTensor.Layer is not InputLayer)
            throw new ArgumentException($"{subject}: expected inputTensor to be an output of Keras.Input, got {inputTensor}.", nameof(inputTensor));
        if (inputTensor.Shape.Length != 4)
            throw new ArgumentException($"{subject}: expected inputTensor of shape (batch, height, width, channels), got {inputTensor}.", nameof(inputTensor));
        return inputTensor;
    }

    /// <summary>Keras's <c>validate_activation</c>: pre-trained weights come with softmax or no activation only.</summary>
    public static void ValidateActivation(string subject, string? classifierActivation, string? weights)
    {
        if (weights is null) return;
        if (classifierActivation is not (null or "softmax" or "linear"))
            throw new ArgumentException($"{subject}: expected classifierActivation \"softmax\" or null with pre-trained weights, got '{classifierActivation}'.", nameof(classifierActivation));
    }

    /// <summary>The feature-extraction head without the top: global average or max pooling, or none.</summary>
    public static SymbolicTensor Pooling(SymbolicTensor x, string? pooling, string? avgName = null, string? maxName = null) => pooling switch
    {
        "avg" => new GlobalAveragePooling2D(name: avgName).Call(x),
        "max" => new GlobalMaxPooling2D(name: maxName).Call(x),
        _ => x,
    };

    /// <summary>
    /// Keras's <c>correct_pad</c>: the zero padding before a strided "valid" convolution that makes it
    /// match TensorFlow's "same" on even sizes (one less row and column on top and left).
    /// </summary>
    public static ((int, int), (int, int)) CorrectPad(SymbolicTensor x, int kernelSize)
    {
        int?[] s = x.Shape;
        (int, int) adjust = s[1] is { } h && s[2] is { } w ? (1 - h % 2, 1 - w % 2) : (1, 1);
        int c = kernelSize / 2;
        return ((c - adjust.Item1, c), (c - adjust.Item2, c));
    }

    /// <summary>
    /// The model, with its weights: ImageNet's from Keras's official file (from the cache or
    /// downloaded), or those of a file the user names.
    /// </summary>
    public static Model Finish(string subject, SymbolicTensor input, SymbolicTensor output, string name, string? weights, Func<PretrainedFile>? imagenet)
    {
        var model = new Model(input, output, name);
        if (weights == "imagenet")
        {
            var file = imagenet?.Invoke() ?? throw new NotSupportedException($"{subject}: ImageNet weights are not published by Keras for this configuration.");
            PretrainedWeights.Load(model, PretrainedWeights.Get(file, subject), subject);
        }
        else if (weights is not null) PretrainedWeights.Load(model, weights, subject);
        return model;
    }
}
