using Graft.Datasets;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training;
using Graft.Training.Callbacks;

namespace Graft.Applications;

/// <summary>
/// Transfer learning with fine-tuning, as Keras's guide does it ("Transfer learning &amp; fine-tuning"):
/// cut a pretrained base below its head, freeze it, call it with <c>training: false</c> (so its
/// BatchNormalization stays in inference mode, even once unfrozen), put a new head for the classes on
/// top, train the head, then unfreeze the base, recompile with a low learning rate and train everything.
/// </summary>
/// <example><code>
/// var b = FineTuningBase.Load("resnet50");
/// var (train, val) = ImageDataset.FromDirectory("photos", labelMode: FineTuning.LabelMode(classes), imageSize: b.ImageSize, validationSplit: 0.2, subset: "both", seed: 1337);
/// var result = FineTuning.Run(b, train, val, train.ClassNames, new FineTuningOptions { Augment = true });
/// result.Model.Save("model.keras");
/// </code></example>
public static class FineTuning
{
    /// <summary>
    /// The labels <see cref="Run"/> trains on for <paramref name="classes"/> classes: "binary" (0/1, shape
    /// (batch, 1), for the one sigmoid unit) for two, "int" (class index, for softmax with sparse
    /// categorical cross-entropy) otherwise; Keras's <c>label_mode</c> names.
    /// </summary>
    public static string LabelMode(int classes) => classes == 2 ? "binary" : "int";

    /// <summary>
    /// Builds the model <see cref="Run"/> trains, without training it; the base is frozen.
    /// In order: an input of (height, width, channels) images in [0, 255]; with
    /// <see cref="FineTuningOptions.Augment"/>, <c>RandomFlip("horizontal")</c> and <c>RandomRotation(0.1)</c>;
    /// with <see cref="FineTuningOptions.Rescale"/>, <c>Rescaling(scale, offset)</c>; the base's
    /// <see cref="FineTuningBase.Preprocessing"/>; for a channels-first (ONNX) base, <c>Permute((3, 1, 2))</c>
    /// from the dataset's channels-last images to the base's layout; for a base without a channel axis
    /// (<see cref="FineTuningBase.WithoutChannelAxis"/>), <c>Reshape((height, width))</c>; the cut base, called with
    /// <c>training: false</c>; <c>GlobalAveragePooling2D</c> when its output is 4-D (Keras's guide; over the spatial axes of
    /// the layout the output is in, see <see cref="FineTuningBase.ChannelsFirst"/>), <c>Flatten</c>
    /// when it is 3-D or above 4-D; and <c>Dense(1, "sigmoid")</c> for two classes, <c>Dense(classes, "softmax")</c> otherwise.
    /// </summary>
    /// <param name="baseModel">The base.</param>
    /// <param name="classes">The number of classes (at least 2).</param>
    /// <param name="options">The cut and the layers in front; null for the defaults.</param>
    /// <returns>The model, and the cut base inside it.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 classes, or a <see cref="FineTuningOptions.Cut"/> that names no layer of the base.</exception>
    /// <exception cref="InvalidOperationException">The base cannot be cut there (a layer shared by several calls, or a last layer with several inputs).</exception>
    public static (Model Model, Model Base) Build(FineTuningBase baseModel, int classes, FineTuningOptions? options = null)
    {
        var (model, cut, _) = BuildChain(baseModel, classes, options);
        return (model, cut);
    }

    /// <summary><see cref="Build"/>, with the model's layers in order (the input layer left out): the model is a chain.</summary>
    private static (Model Model, Model Base, List<Layer> Chain) BuildChain(FineTuningBase baseModel, int classes, FineTuningOptions? options)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        options ??= new FineTuningOptions();
        if (classes < 2) throw new ArgumentException($"FineTuning.Build: expected at least 2 classes, got {classes}.", nameof(classes));
        if (options.Seed is long seed) GraftContext.Current.SetSeed(seed);

        var cut = Cut(baseModel, options.Cut);
        cut.Trainable = false;
        var (h, w) = baseModel.ImageSize;
        var input = Keras.Input([h, w, baseModel.Channels], name: "image");
        var x = input;
        var chain = new List<Layer>();
        SymbolicTensor Add(Layer layer, bool? training = null)
        {
            chain.Add(layer);
            return x = layer.Call(x, training);
        }
        if (options.Augment)
        {
            Add(new RandomFlip("horizontal", seed: options.Seed));
            Add(new RandomRotation(0.1, seed: options.Seed));
        }
        if (options.Rescale is var (scale, offset)) Add(new Rescaling(scale, offset));
        foreach (var layer in baseModel.Preprocessing) Add(layer);
        // The image dataset yields (batch, height, width, channels); a model imported from ONNX takes (batch, channels, height, width).
        if (baseModel.ChannelsFirst) Add(new Permute([3, 1, 2]));
        if (baseModel.WithoutChannelAxis) Add(new Reshape([h, w]));
        Add(cut, training: false);
        if (x.Shape.Length == 4) Add(new GlobalAveragePooling2D(ChannelsFirstOutput(baseModel, cut) ? "channels_first" : "channels_last"));
        else if (x.Shape.Length > 2) Add(new Flatten());
        Add(classes == 2 ? new Dense(1, activation: "sigmoid", name: "predictions") : new Dense(classes, activation: "softmax", name: "predictions"));
        return (new Model(input, x, name: "fine_tuned"), cut, chain);
    }

    /// <summary>
    /// Runs the recipe on a training and a validation dataset of (images, labels) batches, labels as
    /// <see cref="LabelMode"/> says: builds the model (<see cref="Build"/>), trains the head for
    /// <see cref="FineTuningOptions.EpochsFrozen"/> epochs with Adam (Keras's guide; learning rate 1e-3),
    /// unfreezes the base, recompiles with Adam at <see cref="FineTuningOptions.LearningRate"/> and trains
    /// <see cref="FineTuningOptions.Epochs"/> more. Loss: binary cross-entropy for two classes, sparse
    /// categorical cross-entropy otherwise; metric: accuracy.
    /// </summary>
    /// <param name="baseModel">The base.</param>
    /// <param name="train">Training batches (shuffled by the dataset).</param>
    /// <param name="validation">Validation batches, evaluated after each epoch.</param>
    /// <param name="classNames">The class of each label, in label order.</param>
    /// <param name="options">The settings; null for the defaults.</param>
    /// <param name="callbacks">Extra callbacks for both phases.</param>
    /// <exception cref="ArgumentException">Fewer than 2 classes, negative epochs, a learning rate that is not positive, or a bad cut.</exception>
    public static FineTuningResult Run(FineTuningBase baseModel, Dataset<(Tensor X, Tensor Y)> train, Dataset<(Tensor X, Tensor Y)> validation,
        IReadOnlyList<string> classNames, FineTuningOptions? options = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(classNames);
        options ??= new FineTuningOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.EpochsFrozen, "options.EpochsFrozen");
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs, "options.Epochs");
        if (!(options.LearningRate > 0) || double.IsInfinity(options.LearningRate))
            throw new ArgumentOutOfRangeException("options.LearningRate", $"FineTuning.Run: expected a positive learning rate, got {options.LearningRate}.");
        var list = callbacks?.ToList() ?? [];

        var (model, cut, chain) = BuildChain(baseModel, classNames.Count, options);
        string loss = classNames.Count == 2 ? "binary_crossentropy" : "sparse_categorical_crossentropy";
        // The frozen phase trains the same layers as a Sequential, which lets Fit compute the frozen base once
        // (its frozen-prefix cache) instead of every epoch when nothing random comes before it. The arithmetic is
        // the functional model's: a frozen BatchNormalization runs in inference mode however it is called.
        var frozenChain = new Sequential(chain, name: "fine_tuned_frozen");
        frozenChain.Compile(loss, new Adam(), ["accuracy"]);
        var frozen = frozenChain.Fit(train, epochs: options.EpochsFrozen, validationData: validation, callbacks: list, verbose: options.Verbose);
        var frozenValidation = LastOrEvaluate(frozenChain, frozen, validation, options.Verbose);

        cut.Trainable = true;
        model.Compile(loss, new Adam(options.LearningRate), ["accuracy"]);
        var fine = options.Epochs > 0 ? model.Fit(train, epochs: options.Epochs, validationData: validation, callbacks: list, verbose: options.Verbose) : new History();
        var fineValidation = options.Epochs > 0 ? LastOrEvaluate(model, fine, validation, options.Verbose) : frozenValidation;
        return new FineTuningResult(model, cut, classNames, frozen, fine, frozenValidation, fineValidation);
    }

    /// <summary>The validation values of the last epoch (computed with the final weights), or an evaluation when no epoch ran.</summary>
    private static IReadOnlyDictionary<string, double> LastOrEvaluate(Model model, History history, Dataset<(Tensor X, Tensor Y)> validation, int verbose)
    {
        if (history.Epoch.Count == 0) return model.Evaluate(validation, verbose: verbose);
        return history.Keys.Where(k => k.StartsWith("val_", StringComparison.Ordinal)).ToDictionary(k => k["val_".Length..], k => history[k][^1]);
    }

    /// <summary>
    /// Whether the cut's 4-D output is channels first. A model imported from ONNX computes channels last
    /// inside (one transpose after its input) and converts back to ONNX's NCHW only where the graph needs it,
    /// in layers named <c>…_nchw</c> (before its outputs, for instance); everything else is channels last.
    /// </summary>
    private static bool ChannelsFirstOutput(FineTuningBase b, Model cut) =>
        b.ChannelsFirst && cut is not Sequential && cut.Output.Layer is var layer && (layer is InputLayer || layer.Name.EndsWith("_nchw", StringComparison.Ordinal));

    /// <summary>
    /// The part of the base the head reads: up to the layer <see cref="FineTuningOptions.Cut"/> names, else all
    /// layers but the last (Keras's <c>layers[:-1]</c>: for a functional model, up to the input of its output
    /// layer), or the whole base when its top was never built.
    /// </summary>
    internal static Model Cut(FineTuningBase b, string? layerName)
    {
        var model = b.Model;
        var layers = model.Layers;
        if (layerName is null)
        {
            if (b.HeadRemoved) return model;
            if (model is Sequential)
            {
                if (layers.Count < 2) throw new ArgumentException($"{b.Source}: expected a base with at least 2 layers to cut off the last, got {layers.Count}.");
                return new Sequential(layers[..^1], name: model.Name + "_base");
            }
            var last = model.Output.Layer;
            if (last is InputLayer) throw new ArgumentException($"{b.Source}: expected a base with layers to cut off the last, got only its input.");
            var node = model.Output.Node;
            if (node.Inputs.Length != 1)
                throw new InvalidOperationException($"{b.Source}: expected the last layer '{last.Name}' to have one input to cut below it, got {node.Inputs.Length}. Name the layer to cut at (--cut).");
            return new Model(model.Inputs, [node.Inputs[0]], name: model.Name + "_base");
        }
        int index = -1;
        for (int i = 0; i < layers.Count; i++) if (layers[i].Name == layerName) { index = i; break; }
        if (index < 0)
        {
            var names = layers.Where(l => l is not InputLayer).Select(l => l.Name).ToList();
            string shown = names.Count <= 12 ? string.Join(", ", names) : string.Join(", ", names.Take(6)) + ", …, " + string.Join(", ", names.TakeLast(6));
            throw new ArgumentException($"{b.Source}: expected a layer name to cut at, one of the base's {names.Count} layers ({shown}), got '{layerName}'.", nameof(layerName));
        }
        if (layers[index] is InputLayer) throw new ArgumentException($"{b.Source}: expected a layer to cut at, got the input layer '{layerName}'.", nameof(layerName));
        return model is Sequential ? new Sequential(layers[..(index + 1)], name: model.Name + "_base")
            : new Model(model.Inputs, [layers[index].Output], name: model.Name + "_base");
    }
}
