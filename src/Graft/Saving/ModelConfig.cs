using System.Text.Json;
using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Models;

namespace Graft.Saving;

/// <summary>Builds models from Keras's JSON (<c>model.to_json()</c>, the <c>model_config</c> of a file), Keras 1 to 3.</summary>
internal static class ModelConfig
{
    public static JsonObject Parse(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new ModelFormatException($"{source}: expected a JSON object, got {json[..Math.Min(40, json.Length)]}.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: expected valid JSON, got a parse error at line {e.LineNumber}, byte {e.BytePositionInLine}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The model of <paramref name="root"/>; <paramref name="kerasVersion"/> is the version of Keras
    /// that wrote the file (when the file says so outside the config), which decides era-dependent meanings.
    /// </summary>
    public static Model Build(JsonObject root, string source, string? kerasVersion = null)
    {
        var context = ConfigReadContext.For(root, kerasVersion);
        try
        {
            var model = BuildCore(root, source, context);
            ShapeCheck.Validate(model);
            return model;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException or KeyNotFoundException or OverflowException)
        {
            // A JSON value of the wrong kind (a number where a name belongs, …).
            throw new ModelFormatException($"{source}: expected a Keras model config, got a value of the wrong type ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            // A layer rejected its configuration or its input shape; its message names the layer.
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
    }

    private static Model BuildCore(JsonObject root, string source, ConfigReadContext context)
    {
        string cls = root["class_name"]?.GetValue<string>() ?? throw new ModelFormatException($"{source}: expected 'class_name' in the model config, got none.");
        var config = root["config"];
        switch (cls)
        {
            case "Sequential":
                // Keras 1 and early Keras 2 stored the layer list itself as the config.
                var layers = config switch
                {
                    JsonArray a => a,
                    JsonObject o when o["layers"] is JsonArray l => l,
                    _ => throw new ModelFormatException($"{source}: expected a list of layers in the Sequential config, got {config?.ToJsonString() ?? "null"}."),
                };
                string? name = (config as JsonObject)?["name"]?.GetValue<string>();
                var built = new List<Layer>();
                // Keras reads an input shape only from the first layer; later layers may carry stale ones.
                for (int i = 0; i < layers.Count; i++)
                    built.Add(Layer(layers[i] as JsonObject ?? throw new ModelFormatException($"{source}: expected layer {i} to be an object, got {layers[i]?.ToJsonString() ?? "null"}."), $"{source} layers[{i}]", context, keepInputShape: i == 0));
                var model = new Sequential(built, name);
                if (config is JsonObject co && co["trainable"] is JsonValue t && t.TryGetValue<bool>(out var tr) && !tr) model.Trainable = false;
                if (!model.Built && InputShape(root, config as JsonObject, layers, source) is { } shape) model.Build(shape);
                return model;
            case "Model" or "Functional":
                return FunctionalConfig.Build(config as JsonObject ?? throw new ModelFormatException($"{source}: expected a functional config object, got {config?.ToJsonString() ?? "null"}."), source, context);
            default:
                throw new NotSupportedException($"{source}: model class '{cls}' is not supported by Graft; Sequential and functional models load.");
        }
    }

    /// <summary>
    /// A Sequential's input shape when no layer declared one it could take: the first layer's
    /// <c>batch_input_shape</c> / <c>batch_shape</c> (Keras 2 writes it on any layer) or
    /// <c>build_config</c>, the config's <c>build_input_shape</c> (tf.keras), or the model's
    /// <c>build_config</c> (Keras 3).
    /// </summary>
    private static int?[]? InputShape(JsonObject root, JsonObject? config, JsonArray layers, string source)
    {
        var first = layers.Count > 0 ? layers[0] as JsonObject : null;
        var candidates = new[]
        {
            first?["config"]?["batch_input_shape"], first?["config"]?["batch_shape"], first?["build_config"]?["input_shape"],
            config?["build_input_shape"], root["build_config"]?["input_shape"],
        };
        if (candidates.OfType<JsonArray>().FirstOrDefault() is not { } shape) return null;
        if (shape.Count == 0 || shape.Any(d => d is JsonArray or JsonObject))
            throw new ModelFormatException($"{source}: expected the Sequential's input shape as a list of dimensions, got {shape.ToJsonString()}.");
        return shape.Select(d => d is null ? (int?)null : (int)ConfigReader.Num(d)).ToArray();
    }

    /// <summary>
    /// The layer (or nested model) of one config entry, read in <paramref name="context"/>; wrappers
    /// that build their inner layers through <see cref="LayerRegistry"/> get configs already in
    /// today's meanings, so they read them in <see cref="ConfigReadContext.Current"/>.
    /// </summary>
    public static Layer Layer(JsonObject entry, string source, ConfigReadContext context, bool keepInputShape = true)
    {
        string cls = KerasCompat.ClassName(entry["class_name"]?.GetValue<string>() ?? throw new ModelFormatException($"{source}: expected 'class_name', got none."));
        if (cls is "Sequential" or "Model" or "Functional") return BuildCore(entry, source, context);
        var config = entry["config"] as JsonObject ?? throw new ModelFormatException($"{source}: expected a 'config' object for layer class '{cls}', got none.");
        try
        {
            var normalized = KerasCompat.Normalize(cls, config, context.KerasVersion);
            if (!keepInputShape && cls != "InputLayer") { normalized.Remove("batch_input_shape"); normalized.Remove("batch_shape"); }
            var layer = LayerRegistry.FromConfig(cls, normalized);
            LayerNames.Reserve(layer.Name);
            return layer;
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{source} ({cls} '{config["name"]?.GetValue<string>() ?? "?"}'): {e.Message}", e);
        }
    }

    /// <summary>
    /// Keras 3's document for a model (<c>model.to_json()</c>, <c>config.json</c>): module, class,
    /// config and <c>build_config</c> (a Sequential's input shape; a functional model's inputs carry theirs).
    /// </summary>
    public static JsonObject Serialize(Model model)
    {
        var entry = new JsonObject { ["module"] = "keras", ["class_name"] = model.ClassName, ["config"] = model.GetConfig(), ["registered_name"] = null };
        if (model.Graph is not null) entry["build_config"] = new JsonObject { ["input_shape"] = null };
        else if (model.Built) entry["build_config"] = new JsonObject { ["input_shape"] = ModelJson.Shape(model.BuiltInputShape!) };
        return entry;
    }

    /// <summary>
    /// Keras 2's form of a model document, for legacy <c>.h5</c> files: entries of
    /// <c>{"class_name", "config"}</c> only (Keras 3's legacy loader reads such entries the Keras 2
    /// way), a Sequential's input shape as <c>batch_input_shape</c> on its first layer (no InputLayer
    /// entry), an InputLayer's as <c>batch_input_shape</c>, no <c>build_config</c>.
    /// </summary>
    public static JsonObject ToKeras2(JsonObject entry)
    {
        var copy = (JsonObject)entry.DeepClone();
        Legacy(copy);
        return copy;
    }

    private static void Legacy(JsonObject entry)
    {
        foreach (var key in new[] { "module", "registered_name", "build_config" }) entry.Remove(key);
        if (entry["config"] is not JsonObject config) return;
        string? cls = entry["class_name"]?.GetValue<string>();
        if (cls == "InputLayer" && config["batch_shape"] is { } bs)
        {
            config.Remove("batch_shape");
            config["batch_input_shape"] = bs;
        }
        if (config["layers"] is not JsonArray layers) return;
        foreach (var l in layers.OfType<JsonObject>()) Legacy(l);
        if (cls == "Sequential" && layers.Count > 1 && layers[0] is JsonObject first && first["class_name"]?.GetValue<string>() == "InputLayer"
            && layers[1] is JsonObject next && next["class_name"]?.GetValue<string>() is not ("Sequential" or "Functional" or "Model") && next["config"] is JsonObject nc)
        {
            nc["batch_input_shape"] = first["config"]?["batch_input_shape"]?.DeepClone();
            layers.RemoveAt(0);
        }
    }
}
