using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;
using Graft.Layers.Reshaping;

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
        ["Softmax"] = c => { var r = Reader(c, "Softmax"); return Trainable(r, new Softmax(r.Has("axis") ? r.IntArray("axis")[0] : -1, r.Name)); },
        ["PReLU"] = c =>
        {
            var r = Reader(c, "PReLU");
            return Trainable(r, new PReLU(r.Initializer("alpha_initializer"), r.Regularizer("alpha_regularizer"), r.Constraint("alpha_constraint"), r.NullableIntArray("shared_axes"), r.Name));
        },
        ["Dropout"] = c => { var r = Reader(c, "Dropout"); return Trainable(r, new Dropout(r.Float("rate"), r.NullableIntArray("noise_shape"), r.NullableLong("seed"), r.Name)); },
        ["GaussianNoise"] = c => { var r = Reader(c, "GaussianNoise"); return Trainable(r, new GaussianNoise(r.Float("stddev"), r.NullableLong("seed"), r.Name)); },
        ["Flatten"] = c => { var r = Reader(c, "Flatten"); return Trainable(r, new Flatten(r.InputShape(), r.Name)); },
        ["Reshape"] = c => { var r = Reader(c, "Reshape"); return Trainable(r, new Reshape(r.IntArray("target_shape"), r.InputShape(), r.Name)); },
        ["Rescaling"] = c => { var r = Reader(c, "Rescaling"); return Trainable(r, new Rescaling(r.Float("scale"), r.Float("offset", 0f), r.InputShape(), r.Name)); },
    };

    private static ConfigReader Reader(JsonObject c, string cls) => new(c, $"{cls} '{c["name"]?.GetValue<string>() ?? "?"}'");

    private static Layer Trainable(ConfigReader r, Layer layer)
    {
        layer.Trainable = r.Trainable;
        return layer;
    }

    /// <summary>Registers (or replaces) the factory for a Keras class name, for custom layers.</summary>
    public static void Register(string className, Func<JsonObject, Layer> fromConfig) => s_factories[className] = fromConfig;

    /// <summary>True when Graft can build layers of this Keras class.</summary>
    public static bool IsKnown(string className) => s_factories.ContainsKey(className);

    /// <summary>Builds a layer from its Keras class name and config.</summary>
    /// <exception cref="NotSupportedException">Graft has no layer of that class; the message names it.</exception>
    public static Layer FromConfig(string className, JsonObject config)
    {
        if (!s_factories.TryGetValue(className, out var factory))
            throw new NotSupportedException($"Layer class '{className}' (layer '{config["name"]?.GetValue<string>() ?? "?"}'): Graft has no implementation of it. Custom layers need a registered implementation: LayerRegistry.Register(\"{className}\", config => ...).");
        return factory(config);
    }

    /// <summary>Keras's serialized layer: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public static JsonObject Serialize(Layer layer) => new()
    {
        ["module"] = "keras.layers", ["class_name"] = layer.ClassName, ["config"] = layer.GetConfig(), ["registered_name"] = null,
    };
}
