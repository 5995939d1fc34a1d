using System.Text.Json;
using System.Text.Json.Nodes;
using Graft.Layers;
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

    /// <summary>The Keras version that wrote the config being read (for era-dependent meanings).</summary>
    [ThreadStatic] private static string? t_kerasVersion;

    public static Model Build(JsonObject root, string source, string? kerasVersion = null)
    {
        var saved = t_kerasVersion;
        t_kerasVersion = kerasVersion ?? (root["keras_version"] is JsonValue kv && kv.TryGetValue<string>(out var v) ? v : null) ?? saved;
        try
        {
            var model = BuildCore(root, source);
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
        finally { t_kerasVersion = saved; }
    }

    private static Model BuildCore(JsonObject root, string source)
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
                    built.Add(Layer(layers[i] as JsonObject ?? throw new ModelFormatException($"{source}: expected layer {i} to be an object, got {layers[i]?.ToJsonString() ?? "null"}."), $"{source} layers[{i}]", keepInputShape: i == 0));
                var model = new Sequential(built, name);
                if (config is JsonObject co && co["trainable"] is JsonValue t && t.TryGetValue<bool>(out var tr) && !tr) model.Trainable = false;
                if (!model.Built && layers.Count > 0 && (layers[0] as JsonObject)?["build_config"]?["input_shape"] is JsonArray shape)
                    model.Build(shape.Select(d => d is null ? (int?)null : (int)ConfigReader.Num(d)).ToArray());
                return model;
            case "Model" or "Functional":
                return FunctionalConfig.Build(config as JsonObject ?? throw new ModelFormatException($"{source}: expected a functional config object, got {config?.ToJsonString() ?? "null"}."), source);
            default:
                throw new NotSupportedException($"{source}: model class '{cls}' is not supported by Graft; Sequential and functional models load.");
        }
    }

    public static Layer Layer(JsonObject entry, string source, bool keepInputShape = true)
    {
        string cls = KerasCompat.ClassName(entry["class_name"]?.GetValue<string>() ?? throw new ModelFormatException($"{source}: expected 'class_name', got none."));
        if (cls is "Sequential" or "Model" or "Functional") return BuildCore(entry, source);
        var config = entry["config"] as JsonObject ?? throw new ModelFormatException($"{source}: expected a 'config' object for layer class '{cls}', got none.");
        try
        {
            var normalized = KerasCompat.Normalize(cls, config, t_kerasVersion);
            if (!keepInputShape && cls != "InputLayer") { normalized.Remove("batch_input_shape"); normalized.Remove("batch_shape"); }
            return LayerRegistry.FromConfig(cls, normalized);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{source} ({cls} '{config["name"]?.GetValue<string>() ?? "?"}'): {e.Message}", e);
        }
    }

    /// <summary>Keras's <c>{"class_name", "config", "keras_version", "backend"}</c> document for a model.</summary>
    public static JsonObject Serialize(Model model) => new()
    {
        ["module"] = "keras", ["class_name"] = model.ClassName, ["config"] = model.GetConfig(), ["registered_name"] = null,
    };
}
