using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;
using Graft.Layers.Convolutional;
using Graft.Layers.Pooling;
using Graft.Layers.Normalization;
using Graft.Layers.Merging;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;

namespace Graft.Saving;

/// <summary>
/// Maps Keras class names to layer factories (<c>FromConfig</c>), for cloning and for loading
/// model files. Custom layers are added with <see cref="Register"/>.
/// </summary>
public static class LayerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<JsonObject, Layer>> s_factories = new()
    {
        ["InputLayer"] = c => { var r = Reader(c, "InputLayer"); return new InputLayer(r.InputShape() ?? throw new ModelFormatException("InputLayer: expected 'batch_shape' or 'batch_input_shape', got neither."), r.Name); },
        ["Dense"] = c =>
        {
            var r = Reader(c, "Dense");
            return Trainable(r, new Dense(r.Int("units"), r.String("activation", "linear"), r.Bool("use_bias", true),
                r.Initializer("kernel_initializer"), r.Initializer("bias_initializer"),
                r.Regularizer("kernel_regularizer"), r.Regularizer("bias_regularizer"),
                r.Constraint("kernel_constraint"), r.Constraint("bias_constraint"), r.InputShape(), r.Name));
        },
        ["Activation"] = c => { var r = Reader(c, "Activation"); return Trainable(r, new Activation(r.String("activation"), r.InputShape(), r.Name)); },
        ["ReLU"] = c => { var r = Reader(c, "ReLU"); return Trainable(r, new ReLU(r.NullableFloat("max_value"), r.Float("negative_slope", 0f), r.Float("threshold", 0f), r.Name)); },
        ["LeakyReLU"] = c => { var r = Reader(c, "LeakyReLU"); return Trainable(r, new LeakyReLU(r.Float("negative_slope", r.Float("alpha", 0.3f)), r.Name)); },
        ["ELU"] = c => { var r = Reader(c, "ELU"); return Trainable(r, new ELU(r.Float("alpha", 1f), r.Name)); },
        ["Softmax"] = c => { var r = Reader(c, "Softmax"); return Trainable(r, new Softmax(r.FirstInt("axis", -1), r.Name)); },
        ["PReLU"] = c =>
        {
            var r = Reader(c, "PReLU");
            return Trainable(r, new PReLU(r.Initializer("alpha_initializer"), r.Regularizer("alpha_regularizer"), r.Constraint("alpha_constraint"), r.NullableIntArray("shared_axes"), r.Name));
        },
        ["Dropout"] = c => { var r = Reader(c, "Dropout"); return Trainable(r, new Dropout(r.Float("rate"), r.NullableIntArray("noise_shape"), r.NullableLong("seed"), r.Name)); },
        ["GaussianNoise"] = c => { var r = Reader(c, "GaussianNoise"); return Trainable(r, new GaussianNoise(r.Float("stddev"), r.NullableLong("seed"), r.Name)); },
        ["Flatten"] = c => { var r = Reader(c, "Flatten"); return Trainable(r, new Flatten(r.InputShape(), r.Name)); },
        ["Reshape"] = c => { var r = Reader(c, "Reshape"); return Trainable(r, new Reshape(r.IntArray("target_shape"), r.InputShape(), r.Name)); },
        ["Conv2D"] = c =>
        {
            var r = Reader(c, "Conv2D");
            return Trainable(r, new Conv2D(r.Int("filters"), r.IntArray("kernel_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!,
                r.String("data_format", null) ?? "channels_last", r.NullableIntArray("dilation_rate"), r.Int("groups", 1), r.String("activation", "linear"),
                r.Bool("use_bias", true), r.Initializer("kernel_initializer"), r.Initializer("bias_initializer"), r.Regularizer("kernel_regularizer"),
                r.Regularizer("bias_regularizer"), r.Constraint("kernel_constraint"), r.Constraint("bias_constraint"), r.InputShape(), r.Name));
        },
        ["Conv1D"] = c =>
        {
            var r = Reader(c, "Conv1D");
            return Trainable(r, new Conv1D(r.Int("filters"), r.FirstInt("kernel_size"), r.FirstInt("strides", 1), r.String("padding", "valid")!,
                r.String("data_format", null) ?? "channels_last", r.FirstInt("dilation_rate", 1), r.Int("groups", 1), r.String("activation", "linear"),
                r.Bool("use_bias", true), r.Initializer("kernel_initializer"), r.Initializer("bias_initializer"), r.Regularizer("kernel_regularizer"),
                r.Regularizer("bias_regularizer"), r.Constraint("kernel_constraint"), r.Constraint("bias_constraint"), r.InputShape(), r.Name));
        },
        ["DepthwiseConv2D"] = c =>
        {
            var r = Reader(c, "DepthwiseConv2D");
            return Trainable(r, new DepthwiseConv2D(r.IntArray("kernel_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!, r.Int("depth_multiplier", 1),
                r.String("data_format", null) ?? "channels_last", r.NullableIntArray("dilation_rate"), r.String("activation", "linear"), r.Bool("use_bias", true),
                r.Initializer("depthwise_initializer"), r.Initializer("bias_initializer"), r.Regularizer("depthwise_regularizer"), r.Regularizer("bias_regularizer"),
                r.Constraint("depthwise_constraint"), r.Constraint("bias_constraint"), r.InputShape(), r.Name));
        },
        ["SeparableConv2D"] = c =>
        {
            var r = Reader(c, "SeparableConv2D");
            return Trainable(r, new SeparableConv2D(r.Int("filters"), r.IntArray("kernel_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!, r.Int("depth_multiplier", 1),
                r.String("data_format", null) ?? "channels_last", r.NullableIntArray("dilation_rate"), r.String("activation", "linear"), r.Bool("use_bias", true),
                r.Initializer("depthwise_initializer"), r.Initializer("pointwise_initializer"), r.Initializer("bias_initializer"),
                r.Regularizer("depthwise_regularizer"), r.Regularizer("pointwise_regularizer"), r.Regularizer("bias_regularizer"), r.InputShape(), r.Name));
        },
        ["Conv2DTranspose"] = c =>
        {
            var r = Reader(c, "Conv2DTranspose");
            if (r.Has("output_padding")) throw new NotSupportedException($"Layer class 'Conv2DTranspose' (layer '{r.Name}'): output_padding is not supported by Graft yet.");
            return Trainable(r, new Conv2DTranspose(r.Int("filters"), r.IntArray("kernel_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!,
                r.String("data_format", null) ?? "channels_last", r.NullableIntArray("dilation_rate"), r.String("activation", "linear"), r.Bool("use_bias", true),
                r.Initializer("kernel_initializer"), r.Initializer("bias_initializer"), r.Regularizer("kernel_regularizer"), r.Regularizer("bias_regularizer"),
                r.Constraint("kernel_constraint"), r.Constraint("bias_constraint"), r.InputShape(), r.Name));
        },
        ["MaxPooling2D"] = c => { var r = Reader(c, "MaxPooling2D"); return Trainable(r, new MaxPooling2D(r.NullableIntArray("pool_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!, r.String("data_format", null) ?? "channels_last", r.InputShape(), r.Name)); },
        ["AveragePooling2D"] = c => { var r = Reader(c, "AveragePooling2D"); return Trainable(r, new AveragePooling2D(r.NullableIntArray("pool_size"), r.NullableIntArray("strides"), r.String("padding", "valid")!, r.String("data_format", null) ?? "channels_last", r.InputShape(), r.Name)); },
        ["MaxPooling1D"] = c => { var r = Reader(c, "MaxPooling1D"); return Trainable(r, new MaxPooling1D(r.FirstInt("pool_size", 2), r.NullableFirstInt("strides"), r.String("padding", "valid")!, r.String("data_format", null) ?? "channels_last", r.InputShape(), r.Name)); },
        ["AveragePooling1D"] = c => { var r = Reader(c, "AveragePooling1D"); return Trainable(r, new AveragePooling1D(r.FirstInt("pool_size", 2), r.NullableFirstInt("strides"), r.String("padding", "valid")!, r.String("data_format", null) ?? "channels_last", r.InputShape(), r.Name)); },
        ["GlobalAveragePooling2D"] = c => { var r = Reader(c, "GlobalAveragePooling2D"); return Trainable(r, new GlobalAveragePooling2D(r.String("data_format", null) ?? "channels_last", r.Bool("keepdims", false), r.Name)); },
        ["GlobalMaxPooling2D"] = c => { var r = Reader(c, "GlobalMaxPooling2D"); return Trainable(r, new GlobalMaxPooling2D(r.String("data_format", null) ?? "channels_last", r.Bool("keepdims", false), r.Name)); },
        ["GlobalAveragePooling1D"] = c => { var r = Reader(c, "GlobalAveragePooling1D"); return Trainable(r, new GlobalAveragePooling1D(r.String("data_format", null) ?? "channels_last", r.Bool("keepdims", false), r.Name)); },
        ["GlobalMaxPooling1D"] = c => { var r = Reader(c, "GlobalMaxPooling1D"); return Trainable(r, new GlobalMaxPooling1D(r.String("data_format", null) ?? "channels_last", r.Bool("keepdims", false), r.Name)); },
        ["BatchNormalization"] = c =>
        {
            var r = Reader(c, "BatchNormalization");
            int axis = r.FirstInt("axis", -1);
            return Trainable(r, new BatchNormalization(axis, r.Float("momentum", 0.99f), r.Float("epsilon", 1e-3f), r.Bool("center", true), r.Bool("scale", true),
                r.Initializer("beta_initializer"), r.Initializer("gamma_initializer"), r.Initializer("moving_mean_initializer"), r.Initializer("moving_variance_initializer"),
                r.Regularizer("beta_regularizer"), r.Regularizer("gamma_regularizer"), r.Constraint("beta_constraint"), r.Constraint("gamma_constraint"), r.InputShape(), r.Name));
        },
        ["ZeroPadding2D"] = c => { var r = Reader(c, "ZeroPadding2D"); return Trainable(r, new ZeroPadding2D(r.Pairs("padding"), r.String("data_format", null) ?? "channels_last", r.Name)); },
        ["Cropping2D"] = c => { var r = Reader(c, "Cropping2D"); return Trainable(r, new Cropping2D(r.Pairs("cropping"), r.String("data_format", null) ?? "channels_last", r.Name)); },
        ["UpSampling2D"] = c => { var r = Reader(c, "UpSampling2D"); return Trainable(r, new UpSampling2D(r.IntPair("size", (2, 2)), r.String("data_format", null) ?? "channels_last", r.String("interpolation", "nearest")!, r.Name)); },
        ["Permute"] = c => { var r = Reader(c, "Permute"); return Trainable(r, new Permute(r.IntArray("dims"), r.Name)); },
        ["RepeatVector"] = c => { var r = Reader(c, "RepeatVector"); return Trainable(r, new RepeatVector(r.Int("n"), r.Name)); },
        ["SpatialDropout2D"] = c => { var r = Reader(c, "SpatialDropout2D"); return Trainable(r, new SpatialDropout2D(r.Float("rate"), r.String("data_format", null) ?? "channels_last", r.NullableLong("seed"), r.Name)); },
        ["Add"] = c => { var r = Reader(c, "Add"); return Trainable(r, new Add(r.Name)); },
        ["Subtract"] = c => { var r = Reader(c, "Subtract"); return Trainable(r, new Subtract(r.Name)); },
        ["Multiply"] = c => { var r = Reader(c, "Multiply"); return Trainable(r, new Multiply(r.Name)); },
        ["Average"] = c => { var r = Reader(c, "Average"); return Trainable(r, new Average(r.Name)); },
        ["Maximum"] = c => { var r = Reader(c, "Maximum"); return Trainable(r, new Maximum(r.Name)); },
        ["Minimum"] = c => { var r = Reader(c, "Minimum"); return Trainable(r, new Minimum(r.Name)); },
        ["Concatenate"] = c => { var r = Reader(c, "Concatenate"); return Trainable(r, new Concatenate(r.Int("axis", -1), r.Name)); },
        ["Embedding"] = c =>
        {
            var r = Reader(c, "Embedding");
            int[]? shape = r.InputShape() ?? (r.Has("input_length") ? [r.Int("input_length")] : null);
            return Trainable(r, new Embedding(r.Int("input_dim"), r.Int("output_dim"), r.Initializer("embeddings_initializer") ?? r.Initializer("kernel_initializer"),
                r.Regularizer("embeddings_regularizer"), r.Constraint("embeddings_constraint"), r.Bool("mask_zero", false), shape, r.Name));
        },
        ["SimpleRNN"] = c =>
        {
            var r = Reader(c, "SimpleRNN");
            return Trainable(r, new SimpleRNN(r.Int("units"), r.String("activation", "tanh")!, r.Bool("use_bias", true), r.Initializer("kernel_initializer"),
                r.Initializer("recurrent_initializer"), r.Initializer("bias_initializer"), r.Regularizer("kernel_regularizer"), r.Regularizer("recurrent_regularizer"),
                r.Regularizer("bias_regularizer"), r.Float("dropout", 0f), r.Float("recurrent_dropout", 0f), r.Bool("return_sequences", false),
                r.Bool("return_state", false), r.Bool("go_backwards", false), r.Bool("stateful", false), r.InputShape(), r.Name));
        },
        ["LSTM"] = c =>
        {
            var r = Reader(c, "LSTM");
            return Trainable(r, new LSTM(r.Int("units"), r.String("activation", "tanh")!, r.String("recurrent_activation", "sigmoid")!, r.Bool("use_bias", true),
                r.Initializer("kernel_initializer"), r.Initializer("recurrent_initializer"), r.Initializer("bias_initializer"), r.Bool("unit_forget_bias", true),
                r.Regularizer("kernel_regularizer"), r.Regularizer("recurrent_regularizer"), r.Regularizer("bias_regularizer"), r.Float("dropout", 0f),
                r.Float("recurrent_dropout", 0f), r.Bool("return_sequences", false), r.Bool("return_state", false), r.Bool("go_backwards", false),
                r.Bool("stateful", false), r.InputShape(), r.Name));
        },
        ["GRU"] = c =>
        {
            var r = Reader(c, "GRU");
            return Trainable(r, new GRU(r.Int("units"), r.String("activation", "tanh")!, r.String("recurrent_activation", "sigmoid")!, r.Bool("use_bias", true),
                r.Initializer("kernel_initializer"), r.Initializer("recurrent_initializer"), r.Initializer("bias_initializer"),
                r.Regularizer("kernel_regularizer"), r.Regularizer("recurrent_regularizer"), r.Regularizer("bias_regularizer"), r.Float("dropout", 0f),
                r.Float("recurrent_dropout", 0f), r.Bool("return_sequences", false), r.Bool("return_state", false), r.Bool("go_backwards", false),
                r.Bool("stateful", false), r.Bool("reset_after", false), r.InputShape(), r.Name));
        },
        ["LayerNormalization"] = c =>
        {
            var r = Reader(c, "LayerNormalization");
            int axis = r.Has("axis") && r.IntArray("axis") is { Length: > 0 } axes ? axes[^1] : -1;
            return Trainable(r, new LayerNormalization(axis < 0 ? -1 : axis, r.Float("epsilon", 1e-3f), r.Bool("center", true), r.Bool("scale", true),
                r.Initializer("beta_initializer"), r.Initializer("gamma_initializer"), r.Name));
        },
        ["TimeDistributed"] = c =>
        {
            var r = Reader(c, "TimeDistributed");
            var inner = c["layer"] as System.Text.Json.Nodes.JsonObject ?? throw new ModelFormatException($"TimeDistributed '{r.Name}': expected a 'layer' object, got none.");
            return Trainable(r, new TimeDistributed(ModelConfig.Layer(inner, $"TimeDistributed '{r.Name}'", ConfigReadContext.Current, keepInputShape: false), r.Name));
        },
        ["Bidirectional"] = c =>
        {
            var r = Reader(c, "Bidirectional");
            string where = $"Bidirectional '{r.Name}'";
            RecurrentBase Recurrent(string key) =>
                (c[key] as System.Text.Json.Nodes.JsonObject is { } inner ? ModelConfig.Layer(inner, where, ConfigReadContext.Current, keepInputShape: false)
                    : throw new ModelFormatException($"{where}: expected a '{key}' object, got none.")) as RecurrentBase
                ?? throw new ModelFormatException($"{where}: expected '{key}' to be a recurrent layer (SimpleRNN, LSTM, GRU), got class '{c[key]!["class_name"]}'.");
            var backward = c["backward_layer"] is null ? null : Recurrent("backward_layer");
            string? mergeMode = c.ContainsKey("merge_mode") ? c["merge_mode"]?.GetValue<string>() : "concat";
            return Trainable(r, new Bidirectional(Recurrent("layer"), mergeMode, backward, r.InputShape(), r.Name));
        },
        ["Attention"] = c => { var r = Reader(c, "Attention"); return Trainable(r, new Graft.Layers.Attention.Attention(r.Bool("use_scale", false), r.String("score_mode", "dot")!, r.Float("dropout", 0f), r.NullableLong("seed"), r.Name)); },
        ["MultiHeadAttention"] = c =>
        {
            var r = Reader(c, "MultiHeadAttention");
            if (c["attention_axes"] is JsonArray axes && !(axes.Count == 1 && ConfigReader.ToInt(axes[0]!) is 1 or -2))
                throw new NotSupportedException($"MultiHeadAttention '{r.Name}': expected attention_axes null (attention over the steps of (batch, steps, features)), got {axes.ToJsonString()}.");
            int? outputShape = c["output_shape"] switch
            {
                null => null,
                JsonArray { Count: 1 } a => ConfigReader.ToInt(a[0]!),
                JsonArray a => throw new NotSupportedException($"MultiHeadAttention '{r.Name}': expected output_shape of one axis, got {a.ToJsonString()}."),
                var n => ConfigReader.ToInt(n),
            };
            int keyDim = r.Int("key_dim");
            int? valueDim = c["value_dim"] is null ? null : r.Int("value_dim");
            return Trainable(r, new Graft.Layers.Attention.MultiHeadAttention(r.Int("num_heads"), keyDim, valueDim, r.Float("dropout", 0f), r.Bool("use_bias", true),
                outputShape, r.Initializer("kernel_initializer"), r.Initializer("bias_initializer"), r.NullableLong("seed"), r.Name));
        },
        ["Masking"] = c => { var r = Reader(c, "Masking"); return Trainable(r, new Masking(r.Float("mask_value", 0f), r.InputShape(), r.Name)); },
        ["AdditiveAttention"] = c => { var r = Reader(c, "AdditiveAttention"); return Trainable(r, new Graft.Layers.Attention.AdditiveAttention(r.Bool("use_scale", true), r.Float("dropout", 0f), r.NullableLong("seed"), r.Name)); },
        ["Rescaling"] = c => { var r = Reader(c, "Rescaling"); return Trainable(r, new Rescaling(r.Float("scale"), r.Float("offset", 0f), r.InputShape(), r.Name)); },
        ["RandomFlip"] = c => { var r = Reader(c, "RandomFlip"); return Trainable(r, new RandomFlip(r.String("mode", "horizontal_and_vertical")!, r.NullableLong("seed"), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomRotation"] = c => { var r = Reader(c, "RandomRotation"); return Trainable(r, new RandomRotation(r.Factor("factor"), r.String("fill_mode", "reflect")!, r.String("interpolation", "bilinear")!, r.NullableLong("seed"), r.Float("fill_value", 0f), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomZoom"] = c => { var r = Reader(c, "RandomZoom"); return Trainable(r, new RandomZoom(r.Factor("height_factor"), r.NullableFactor("width_factor"), r.String("fill_mode", "reflect")!, r.String("interpolation", "bilinear")!, r.NullableLong("seed"), r.Float("fill_value", 0f), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomTranslation"] = c => { var r = Reader(c, "RandomTranslation"); return Trainable(r, new RandomTranslation(r.Factor("height_factor"), r.Factor("width_factor"), r.String("fill_mode", "reflect")!, r.String("interpolation", "bilinear")!, r.NullableLong("seed"), r.Float("fill_value", 0f), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomContrast"] = c => { var r = Reader(c, "RandomContrast"); return Trainable(r, new RandomContrast(r.Factor("factor"), r.FloatPair("value_range", (0f, 255f)), r.NullableLong("seed"), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomBrightness"] = c => { var r = Reader(c, "RandomBrightness"); return Trainable(r, new RandomBrightness(r.Factor("factor"), r.FloatPair("value_range", (0f, 255f)), r.NullableLong("seed"), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["RandomCrop"] = c => { var r = Reader(c, "RandomCrop"); return Trainable(r, new RandomCrop(r.Int("height"), r.Int("width"), r.NullableLong("seed"), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["Resizing"] = c => { var r = Reader(c, "Resizing"); return Trainable(r, new Resizing(r.Int("height"), r.Int("width"), r.String("interpolation", "bilinear")!, r.Bool("crop_to_aspect_ratio", false), r.Bool("pad_to_aspect_ratio", false), r.String("fill_mode", "constant")!, r.Float("fill_value", 0f), r.Bool("antialias", false), r.String("data_format", null), r.InputShape(), r.Name)); },
        ["CenterCrop"] = c => { var r = Reader(c, "CenterCrop"); return Trainable(r, new CenterCrop(r.Int("height"), r.Int("width"), r.String("data_format", null), r.InputShape(), r.Name)); },
    };

    private static ConfigReader Reader(JsonObject c, string cls) => new(c, $"{cls} '{c["name"]?.GetValue<string>() ?? "?"}'");

    private static Layer Trainable(ConfigReader r, Layer layer)
    {
        layer.Trainable = r.Trainable;
        return layer;
    }

    /// <summary>Registers (or replaces) the factory for a Keras class name, for custom layers.</summary>
    public static void Register(string className, Func<JsonObject, Layer> fromConfig) => s_factories[className] = fromConfig;

    /// <summary>Removes a registered factory; true when there was one. Built-in classes can be removed too (and registered again).</summary>
    public static bool Unregister(string className) => s_factories.TryRemove(className, out _);

    /// <summary>True when Graft can build layers of this Keras class.</summary>
    public static bool IsKnown(string className) => s_factories.ContainsKey(className);

    /// <summary>Builds a layer from its Keras class name and config.</summary>
    /// <exception cref="NotSupportedException">Graft has no layer of that class; the message names it.</exception>
    public static Layer FromConfig(string className, JsonObject config)
    {
        if (!s_factories.TryGetValue(className, out var factory))
            throw new NotSupportedException($"Layer class '{className}' (layer '{config["name"]?.GetValue<string>() ?? "?"}'): Graft has no implementation of it. Custom layers need a registered implementation: LayerRegistry.Register(\"{className}\", config => ...).");
        var layer = factory(config);
        // A stand-in (a custom class built as a Graft layer) keeps the file's class name, so its
        // weights are found and it is written back under that name.
        if (layer.ClassName != className && !s_aliases.Contains(className)) layer.RegisteredClassName = className;
        return layer;
    }

    /// <summary>Names that build a layer of another class by design (Keras 1 names are normalized before).</summary>
    private static readonly HashSet<string> s_aliases = [];

    /// <summary>Keras's serialized layer: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public static JsonObject Serialize(Layer layer) => new()
    {
        ["module"] = "keras.layers", ["class_name"] = layer.ClassName, ["config"] = layer.GetConfig(), ["registered_name"] = null,
    };
}
