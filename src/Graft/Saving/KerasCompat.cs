using System.Text.Json.Nodes;

namespace Graft.Saving;

/// <summary>
/// Maps the layer configs of every Keras era onto today's names: Keras 1's class names
/// (<c>Convolution2D</c>) and parameters (<c>output_dim</c>, <c>init</c>, <c>W_regularizer</c>,
/// <c>border_mode</c>, <c>p</c>, …), and <c>input_dim</c>/<c>input_shape</c> shorthands.
/// </summary>
internal static class KerasCompat
{
    private static readonly Dictionary<string, string> s_classNames = new()
    {
        ["Convolution1D"] = "Conv1D", ["Convolution2D"] = "Conv2D", ["Conv2DTranspose"] = "Conv2DTranspose",
        ["Deconvolution2D"] = "Conv2DTranspose", ["AtrousConvolution2D"] = "Conv2D", ["SeparableConvolution2D"] = "SeparableConv2D",
        ["MaxPool2D"] = "MaxPooling2D", ["AvgPool2D"] = "AveragePooling2D", ["MaxPool1D"] = "MaxPooling1D", ["AvgPool1D"] = "AveragePooling1D",
        ["GlobalAvgPool2D"] = "GlobalAveragePooling2D", ["GlobalMaxPool2D"] = "GlobalMaxPooling2D",
        ["GlobalAvgPool1D"] = "GlobalAveragePooling1D", ["GlobalMaxPool1D"] = "GlobalMaxPooling1D",
    };

    private static readonly (string Old, string New)[] s_keys =
    [
        ("output_dim", "units"), ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
        ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
        ("b_constraint", "bias_constraint"), ("bias", "use_bias"), ("nb_filter", "filters"), ("border_mode", "padding"),
        ("subsample", "strides"), ("subsample_length", "strides"), ("filter_length", "kernel_size"), ("pool_length", "pool_size"),
        ("stride", "strides"), ("atrous_rate", "dilation_rate"), ("dim_ordering", "data_format"), ("p", "rate"),
        ("inner_activation", "recurrent_activation"), ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"),
        ("U_regularizer", "recurrent_regularizer"), ("U_constraint", "recurrent_constraint"),
    ];

    public static string ClassName(string name) => s_classNames.GetValueOrDefault(name, name);

    /// <summary>
    /// A copy of <paramref name="config"/> in today's vocabulary. Files from before Keras 3
    /// (<paramref name="kerasVersion"/> 1.x or 2.x) meant 0.2·x + 0.5 by "hard_sigmoid", in the
    /// layer and in the layers a wrapper holds (TimeDistributed, Bidirectional, an RNN's cells), which the registry
    /// then reads with no version.
    /// </summary>
    public static JsonObject Normalize(string className, JsonObject config, string? kerasVersion = null)
    {
        var c = (JsonObject)config.DeepClone();
        bool beforeKeras3 = kerasVersion is { Length: > 0 } ver && ver[0] is '1' or '2';
        if (beforeKeras3) UseKeras2HardSigmoid(c);
        foreach (var (old, now) in s_keys)
            if (c.ContainsKey(old) && !c.ContainsKey(now) && !(className == "Embedding" && old is "output_dim" or "init"))
            {
                var v = c[old]; c.Remove(old);
                c[now] = v?.DeepClone();
            }
        if (c["data_format"]?.GetValue<string>() is "tf") c["data_format"] = "channels_last";
        if (c["data_format"]?.GetValue<string>() is "th") c["data_format"] = "channels_first";
        if (c.ContainsKey("nb_row") && c.ContainsKey("nb_col") && !c.ContainsKey("kernel_size"))
            c["kernel_size"] = new JsonArray(c["nb_row"]!.DeepClone(), c["nb_col"]!.DeepClone());
        if (!c.ContainsKey("batch_input_shape") && !c.ContainsKey("batch_shape"))
        {
            if (c["input_shape"] is JsonArray shape) c["batch_input_shape"] = new JsonArray([null, .. shape.Select(n => n?.DeepClone())]);
            else if (c["input_dim"] is JsonNode dim && className != "Embedding") c["batch_input_shape"] = new JsonArray(null, dim.DeepClone());
        }
        // Keras 1 wrote initializers and activations as bare names; both forms are accepted downstream.
        return c;
    }

    /// <summary>Renames "hard_sigmoid" to Keras 2's variant in <paramref name="c"/> and in the configs of the layers it wraps.</summary>
    private static void UseKeras2HardSigmoid(JsonObject c)
    {
        foreach (var key in new[] { "activation", "recurrent_activation", "inner_activation" })
            if (c[key] is JsonValue a && a.TryGetValue<string>(out var name) && name == "hard_sigmoid") c[key] = "hard_sigmoid_keras2";
        foreach (var key in new[] { "layer", "backward_layer", "cell" })
            if (c[key] is JsonObject { } inner && inner["config"] is JsonObject innerConfig) UseKeras2HardSigmoid(innerConfig);
        // An RNN's stacked cells, like a wrapped model's layers, are a list.
        foreach (var key in new[] { "layers", "cells" })
            if (c[key] is JsonArray entries)
                foreach (var entry in entries)
                    if (entry is JsonObject { } e && e["config"] is JsonObject entryConfig) UseKeras2HardSigmoid(entryConfig);
    }
}
