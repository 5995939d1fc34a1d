using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Attention;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Recurrent;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Layers.Wrappers;

namespace Graft.Saving;

/// <summary>
/// Maps Keras class names to layer types, for loading model files. A layer's constructor declares
/// its config (see <c>README.md</c>, "Adding a layer"), so an entry is just the type. Graft's own
/// classes are fixed; custom layers are added with <see cref="Register{TLayer}"/> or, for a class
/// built by other means (a stand-in for a class Graft lacks), <see cref="Register(string, Func{JsonObject, Layer})"/>.
/// </summary>
public static class LayerRegistry
{
    private static readonly FrozenDictionary<string, Type> s_builtIn = new[]
    {
        typeof(InputLayer), typeof(Dense), typeof(EinsumDense), typeof(Activation), typeof(Embedding), typeof(Masking), typeof(Identity), typeof(OperationLayer), typeof(LayerScale),
        typeof(ReLU), typeof(LeakyReLU), typeof(ELU), typeof(Softmax), typeof(PReLU), typeof(ThresholdedReLU),
        typeof(Dropout), typeof(GaussianNoise), typeof(SpatialDropout2D), typeof(StochasticDepth),
        typeof(SpatialDropout1D), typeof(SpatialDropout3D), typeof(GaussianDropout), typeof(AlphaDropout), typeof(ActivityRegularization),
        typeof(Flatten), typeof(Reshape), typeof(Permute), typeof(RepeatVector),
        typeof(ZeroPadding2D), typeof(Cropping2D), typeof(UpSampling2D),
        typeof(ZeroPadding1D), typeof(Cropping1D), typeof(UpSampling1D), typeof(ZeroPadding3D), typeof(Cropping3D), typeof(UpSampling3D),
        typeof(Conv1D), typeof(Conv2D), typeof(DepthwiseConv2D), typeof(SeparableConv2D), typeof(Conv2DTranspose), typeof(Conv1DTranspose), typeof(DepthwiseConv1D), typeof(SeparableConv1D), typeof(Conv3D), typeof(Conv3DTranspose),
        typeof(MaxPooling1D), typeof(MaxPooling2D), typeof(AveragePooling1D), typeof(AveragePooling2D),
        typeof(GlobalAveragePooling1D), typeof(GlobalAveragePooling2D), typeof(GlobalMaxPooling1D), typeof(GlobalMaxPooling2D),
        typeof(MaxPooling3D), typeof(AveragePooling3D), typeof(GlobalMaxPooling3D), typeof(GlobalAveragePooling3D),
        typeof(BatchNormalization), typeof(LayerNormalization), typeof(GroupNormalization), typeof(UnitNormalization), typeof(RMSNormalization), typeof(SpectralNormalization),
        typeof(Add), typeof(Subtract), typeof(Multiply), typeof(Average), typeof(Maximum), typeof(Minimum), typeof(Concatenate), typeof(Dot),
        typeof(SimpleRNN), typeof(LSTM), typeof(GRU), typeof(Bidirectional), typeof(TimeDistributed),
        typeof(RNN), typeof(SimpleRNNCell), typeof(LSTMCell), typeof(GRUCell), typeof(StackedRNNCells), typeof(ConvLSTM1D), typeof(ConvLSTM2D), typeof(ConvLSTM3D),
        typeof(Attention), typeof(AdditiveAttention), typeof(MultiHeadAttention),
        typeof(Rescaling), typeof(Resizing), typeof(CenterCrop), typeof(RandomCrop), typeof(RandomFlip), typeof(RandomRotation),
        typeof(RandomZoom), typeof(RandomTranslation), typeof(RandomContrast), typeof(RandomBrightness), typeof(Normalization),
        typeof(RandomGrayscale), typeof(Solarization), typeof(RandomInvert), typeof(RandomPosterization),
    }.ToFrozenDictionary(t => t.Name);

    private static readonly ConcurrentDictionary<string, Func<JsonObject, Layer>> s_custom = new();

    /// <summary>Registers a custom layer type under <paramref name="className"/> (default: the type's name); its constructor declares its config.</summary>
    /// <exception cref="ArgumentException">The name is one of Graft's own classes, which cannot be replaced.</exception>
    public static void Register<TLayer>(string? className = null) where TLayer : Layer =>
        Register(className ?? typeof(TLayer).Name, c => LayerConfig.Read(typeof(TLayer), c, ReadNested));

    /// <summary>
    /// Registers (or replaces) a factory for a custom Keras class name: for layers whose config their
    /// constructor does not declare, or a Graft layer standing in for a class Graft lacks.
    /// </summary>
    /// <exception cref="ArgumentException">The name is one of Graft's own classes, which cannot be replaced.</exception>
    public static void Register(string className, Func<JsonObject, Layer> fromConfig)
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_custom[BuiltInGuard(className)] = fromConfig;
    }

    /// <summary>Removes a custom registration; true when there was one.</summary>
    /// <exception cref="ArgumentException">The name is one of Graft's own classes, which cannot be removed.</exception>
    public static bool Unregister(string className) => s_custom.TryRemove(BuiltInGuard(className), out _);

    private static string BuiltInGuard(string className)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        return s_builtIn.ContainsKey(className)
            ? throw new ArgumentException($"LayerRegistry: expected a custom class name, got '{className}', one of Graft's own layers, which cannot be replaced or removed.", nameof(className))
            : className;
    }

    /// <summary>True when Graft can build layers of this Keras class (its own, or registered).</summary>
    public static bool IsKnown(string className) => s_builtIn.ContainsKey(className) || s_custom.ContainsKey(className);

    /// <summary>True when the class is one of Graft's own layers.</summary>
    public static bool IsBuiltIn(string className) => s_builtIn.ContainsKey(className);

    /// <summary>Builds a layer from its Keras class name and config (keys in today's names).</summary>
    /// <exception cref="NotSupportedException">Graft has no layer of that class, or the config asks for an unsupported feature; the message names it.</exception>
    /// <exception cref="ModelFormatException">A key is missing or has a value of the wrong form.</exception>
    /// <exception cref="ArgumentException">The layer rejected a value.</exception>
    public static Layer FromConfig(string className, JsonObject config)
    {
        Layer layer;
        try
        {
            if (s_builtIn.TryGetValue(className, out var type)) return LayerConfig.Read(type, config, ReadNested);
            // A layer of a format package (Graft.Onnx) is registered when the package's format is created.
            if (!s_custom.ContainsKey(className)) ModelFormats.LoadKnownPackages();
            if (!s_custom.TryGetValue(className, out var factory))
                throw new NotSupportedException($"Layer class '{className}' (layer '{config["name"]?.ToString() ?? "?"}'): Graft has no implementation of it. Custom layers need a registered implementation: LayerRegistry.Register(\"{className}\", config => ...).");
            layer = factory(config);
        }
        catch (FormatException e)
        {
            throw new ModelFormatException(e.Message, e);
        }
        // A stand-in (a custom class built as a Graft layer) keeps the file's class name, so its
        // weights are found and it is written back under that name.
        if (layer.ClassName != className) layer.RegisteredClassName = className;
        return layer;
    }

    // A wrapper's inner layers hold configs already in today's meanings (KerasCompat mapped them with the outer one).
    private static Layer ReadNested(JsonObject entry, string where) => ModelConfig.Layer(entry, where, ConfigReadContext.Current, keepInputShape: false);
}
