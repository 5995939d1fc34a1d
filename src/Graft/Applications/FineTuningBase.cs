using Graft.Layers;
using Graft.Models;

namespace Graft.Applications;

/// <summary>
/// The network a fine-tuning starts from, with what its input needs: a model file Graft loads
/// (<c>.h5</c>, <c>.keras</c>, <c>.onnx</c>) or a Keras application by name (<c>resnet50</c>,
/// <c>mobilenetv2</c>, …) with its ImageNet weights and its <c>preprocess_input</c> as layers.
/// </summary>
public sealed class FineTuningBase
{
    private FineTuningBase(Model model, string source, IReadOnlyList<Layer> preprocessing, bool channelsFirst, bool headRemoved,
        (int Height, int Width) imageSize, string colorMode, bool withoutChannelAxis = false)
    {
        Model = model; Source = source; Preprocessing = preprocessing; ChannelsFirst = channelsFirst;
        HeadRemoved = headRemoved; ImageSize = imageSize; ColorMode = colorMode; WithoutChannelAxis = withoutChannelAxis;
    }

    /// <summary>
    /// Whether the model takes grayscale images without a channel axis, (batch, height, width), as Fashion-MNIST
    /// and MNIST models do; a <c>Reshape</c> drops the dataset's channel axis in front of it.
    /// </summary>
    public bool WithoutChannelAxis { get; }

    /// <summary>The base network as loaded or built.</summary>
    public Model Model { get; }

    /// <summary>Where it came from: the file path, or the application's name.</summary>
    public string Source { get; }

    /// <summary>Layers to put in front of it, on images in [0, 255] channels last (an application's <c>preprocess_input</c>); empty for a file.</summary>
    public IReadOnlyList<Layer> Preprocessing { get; }

    /// <summary>
    /// Whether the model takes images channels first, (batch, channels, height, width), as models imported from
    /// ONNX do. Inside, such a model computes channels last (the importer transposes once after the input), so a
    /// cut below its outputs yields channels-last features, except at the layers named <c>…_nchw</c> that convert back.
    /// </summary>
    public bool ChannelsFirst { get; }

    /// <summary>Whether the classifier is already gone (an application built with <c>includeTop: false</c>), so that the default cut keeps every layer.</summary>
    public bool HeadRemoved { get; }

    /// <summary>The (height, width) images are resized to.</summary>
    public (int Height, int Width) ImageSize { get; }

    /// <summary>"rgb" or "grayscale", from the model's channels.</summary>
    public string ColorMode { get; }

    /// <summary>The number of channels of <see cref="ColorMode"/>.</summary>
    public int Channels => ColorMode == "grayscale" ? 1 : 3;

    /// <summary>The names <see cref="Load"/> accepts for Keras applications (lower case; '_' and '-' are ignored).</summary>
    public static IReadOnlyCollection<string> ApplicationNames => s_applications.Keys;

    // Keras's name, the module whose preprocess_input the model expects, and its default input size.
    private static readonly Dictionary<string, (Func<int[], Model> Build, string Module, int Size)> s_applications = new()
    {
        ["resnet50"] = (s => Applications.ResNet50(includeTop: false, inputShape: s), "resnet", 224),
        ["resnet101"] = (s => Applications.ResNet101(includeTop: false, inputShape: s), "resnet", 224),
        ["resnet152"] = (s => Applications.ResNet152(includeTop: false, inputShape: s), "resnet", 224),
        ["resnet50v2"] = (s => Applications.ResNet50V2(includeTop: false, inputShape: s), "resnet_v2", 224),
        ["resnet101v2"] = (s => Applications.ResNet101V2(includeTop: false, inputShape: s), "resnet_v2", 224),
        ["resnet152v2"] = (s => Applications.ResNet152V2(includeTop: false, inputShape: s), "resnet_v2", 224),
        ["vgg16"] = (s => Applications.VGG16(includeTop: false, inputShape: s), "vgg16", 224),
        ["vgg19"] = (s => Applications.VGG19(includeTop: false, inputShape: s), "vgg19", 224),
        ["mobilenet"] = (s => Applications.MobileNet(includeTop: false, inputShape: s), "mobilenet", 224),
        ["mobilenetv2"] = (s => Applications.MobileNetV2(includeTop: false, inputShape: s), "mobilenet_v2", 224),
        ["densenet121"] = (s => Applications.DenseNet121(includeTop: false, inputShape: s), "densenet", 224),
        ["densenet169"] = (s => Applications.DenseNet169(includeTop: false, inputShape: s), "densenet", 224),
        ["densenet201"] = (s => Applications.DenseNet201(includeTop: false, inputShape: s), "densenet", 224),
        ["inceptionv3"] = (s => Applications.InceptionV3(includeTop: false, inputShape: s), "inception_v3", 299),
        ["xception"] = (s => Applications.Xception(includeTop: false, inputShape: s), "xception", 299),
        ["efficientnetb0"] = (s => Applications.EfficientNetB0(includeTop: false, inputShape: s), "efficientnet", 224),
        ["efficientnetb1"] = (s => Applications.EfficientNetB1(includeTop: false, inputShape: s), "efficientnet", 240),
        ["efficientnetb2"] = (s => Applications.EfficientNetB2(includeTop: false, inputShape: s), "efficientnet", 260),
        ["efficientnetb3"] = (s => Applications.EfficientNetB3(includeTop: false, inputShape: s), "efficientnet", 300),
        ["efficientnetb4"] = (s => Applications.EfficientNetB4(includeTop: false, inputShape: s), "efficientnet", 380),
        ["efficientnetb5"] = (s => Applications.EfficientNetB5(includeTop: false, inputShape: s), "efficientnet", 456),
        ["efficientnetb6"] = (s => Applications.EfficientNetB6(includeTop: false, inputShape: s), "efficientnet", 528),
        ["efficientnetb7"] = (s => Applications.EfficientNetB7(includeTop: false, inputShape: s), "efficientnet", 600),
    };

    /// <summary>
    /// The base named by <paramref name="source"/>: an existing file is loaded with <see cref="Model.Load"/>
    /// (<c>.onnx</c> needs the Graft.Onnx package); otherwise a Keras application's name builds it without its
    /// top (Keras's <c>include_top=False</c>, so the classifier is already cut off) with the <c>"imagenet"</c>
    /// weights from Keras's cache (downloaded when missing, see <see cref="Applications"/>), and its
    /// <c>preprocess_input</c> as <see cref="Preprocessing"/>.
    /// <para>
    /// A file's input must be one image batch: (batch, height, width, channels); (batch, height, width) for
    /// grayscale images without a channel axis (Fashion-MNIST models); or for an ONNX model
    /// (batch, channels, height, width) when its second axis holds the 1 or 3 channels and its last does not.
    /// </para>
    /// </summary>
    /// <param name="source">A model file, or an application name (<see cref="ApplicationNames"/>).</param>
    /// <param name="imageSize">(height, width); null: the model's own size, else the application's default, else Keras's 256×256.</param>
    /// <param name="colorMode">"rgb" or "grayscale"; null: from the model's channels (rgb when unknown). Applications take rgb only.</param>
    /// <exception cref="FileNotFoundException"><paramref name="source"/> looks like a path (it has a folder or an extension) but no such file exists.</exception>
    /// <exception cref="ArgumentException">An unknown name, a size or color mode the model cannot take, or a model that does not take one image batch.</exception>
    /// <exception cref="Saving.ModelFormatException">The file is malformed.</exception>
    public static FineTuningBase Load(string source, (int Height, int Width)? imageSize = null, string? colorMode = null)
    {
        const string subject = "FineTuningBase.Load";
        ArgumentNullException.ThrowIfNull(source);
        if (imageSize is { } size && (size.Height <= 0 || size.Width <= 0))
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"{subject}: expected a positive image size (height, width), got ({size.Height}, {size.Width}).");
        if (colorMode is not (null or "rgb" or "grayscale"))
            throw new ArgumentException($"{subject}: expected colorMode \"rgb\" or \"grayscale\", got \"{colorMode}\".", nameof(colorMode));
        if (File.Exists(source)) return FromFile(source, imageSize, colorMode);

        string key = source.ToLowerInvariant().Replace("_", "").Replace("-", "");
        if (s_applications.TryGetValue(key, out var app) && !Path.HasExtension(source))
        {
            if (colorMode == "grayscale")
                throw new ArgumentException($"{subject}: expected colorMode \"rgb\" for the application '{source}' (ImageNet weights take 3 channels), got \"grayscale\".", nameof(colorMode));
            var (h, w) = imageSize ?? (app.Size, app.Size);
            var model = app.Build([h, w, 3]);
            return new FineTuningBase(model, source, Applications.PreprocessingLayers(app.Module), channelsFirst: false, headRemoved: true, (h, w), "rgb");
        }
        if (Directory.Exists(source))
            throw new ArgumentException($"{subject}: expected a model file (.h5, .keras, .onnx) or an application name, got the folder '{source}'.", nameof(source));
        if (Path.HasExtension(source) || source.Contains(Path.DirectorySeparatorChar) || source.Contains('/'))
            throw new FileNotFoundException($"{subject}: expected a model file (.h5, .keras, .onnx), got '{source}', which does not exist.", source);
        throw new ArgumentException($"{subject}: expected a model file (.h5, .keras, .onnx) or a Keras application name ({string.Join(", ", s_applications.Keys)}), got '{source}'.", nameof(source));
    }

    private static FineTuningBase FromFile(string path, (int Height, int Width)? imageSize, string? colorMode) =>
        FromModel(Model.Load(path, compile: false), imageSize, colorMode,
            Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase), path);

    /// <summary>
    /// A model in memory as the base, with the input rules of <see cref="Load"/> for files: (batch, height, width,
    /// channels), (batch, height, width) for grayscale, or with <paramref name="onnx"/> (a model imported from
    /// ONNX) channels first when its second axis holds the 1 or 3 channels and its last does not.
    /// </summary>
    /// <param name="model">The base, with a known input shape.</param>
    /// <param name="imageSize">(height, width) when the model leaves them open; else they must match.</param>
    /// <param name="colorMode">"rgb" or "grayscale"; null: from the model's channels.</param>
    /// <param name="onnx">Whether the model was imported from ONNX (its input may be channels first).</param>
    /// <param name="source">How errors and reports name it; default the model's name.</param>
    /// <exception cref="ArgumentException">A model that does not take one image batch, or a size or color mode it cannot take.</exception>
    public static FineTuningBase FromModel(Model model, (int Height, int Width)? imageSize = null, string? colorMode = null, bool onnx = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (imageSize is { } size && (size.Height <= 0 || size.Width <= 0))
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"FineTuningBase.FromModel: expected a positive image size (height, width), got ({size.Height}, {size.Width}).");
        if (colorMode is not (null or "rgb" or "grayscale"))
            throw new ArgumentException($"FineTuningBase.FromModel: expected colorMode \"rgb\" or \"grayscale\", got \"{colorMode}\".", nameof(colorMode));
        string path = source ?? $"model '{model.Name}'";
        int?[]? shape = model is Sequential ? model.InputShape : model.Inputs.Count == 1 ? model.Inputs[0].Shape : null;
        if (shape is [_, int gh, int gw])
        {
            if (colorMode is "rgb") throw new ArgumentException($"{path}: expected colorMode \"grayscale\" for an input of shape {Layer.FormatShape(shape)} (no channel axis), got \"rgb\".", nameof(colorMode));
            if (imageSize is { } gs && gs != (gh, gw))
                throw new ArgumentException($"{path}: expected image size ({gh}, {gw}), the model's input {Layer.FormatShape(shape)}, got ({gs.Height}, {gs.Width}). Leave the size out, or give ({gh}, {gw}).", nameof(imageSize));
            return new FineTuningBase(model, path, [], channelsFirst: false, headRemoved: false, (gh, gw), "grayscale", withoutChannelAxis: true);
        }
        if (shape is null || shape.Length != 4)
            throw new ArgumentException($"{path}: expected a model with one image input, (batch, height, width, channels) or (batch, height, width) for grayscale, got "
                + (shape is null ? model is Sequential ? "no input shape" : $"{model.Inputs.Count} inputs" : $"an input of shape {Layer.FormatShape(shape)}") + ". Give the first layer an input shape, or fine-tune a model that takes images.");
        bool channelsFirst = onnx && shape[1] is 1 or 3 && shape[3] is not (1 or 3);
        var (hAxis, wAxis, cAxis) = channelsFirst ? (2, 3, 1) : (1, 2, 3);
        string mode = shape[cAxis] switch
        {
            1 => "grayscale",
            3 => "rgb",
            null => colorMode ?? "rgb",
            _ => throw new ArgumentException($"{path}: expected an image input with 1 or 3 channels on axis {cAxis}, got shape {Layer.FormatShape(shape)}."),
        };
        if (colorMode is not null && colorMode != mode)
            throw new ArgumentException($"{path}: expected colorMode \"{mode}\" for an input of {shape[cAxis]} channel(s), got \"{colorMode}\".", nameof(colorMode));
        (int, int) chosen;
        if (shape[hAxis] is int h && shape[wAxis] is int w)
        {
            if (imageSize is { } s && s != (h, w))
                throw new ArgumentException($"{path}: expected image size ({h}, {w}), the model's input {Layer.FormatShape(shape)}, got ({s.Height}, {s.Width}). Leave the size out, or give ({h}, {w}).", nameof(imageSize));
            chosen = (h, w);
        }
        else chosen = imageSize ?? (256, 256);
        return new FineTuningBase(model, path, [], channelsFirst, headRemoved: false, chosen, mode);
    }
}
