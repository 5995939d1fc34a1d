using System.Text.Json.Nodes;
using Graft.Config;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Recurrent;

namespace Graft.Models;

/// <summary>
/// How a model writes its config in Keras 3's JSON: its layers' entries
/// (<c>{"module", "class_name", "config", "registered_name"}</c>, with the <c>build_config</c> of a
/// built layer), input layers, shapes, and a functional model's graph. Reading is the loader's.
/// </summary>
internal static class ModelJson
{
    /// <summary>Keras's serialized layer: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public static JsonObject Layer(Layer layer) => KerasJson.Wrap("keras.layers", layer.ClassName, layer.GetConfig());

    /// <summary>A layer's entry in a Sequential's config, with the <c>build_config</c> Keras 3 writes for a built layer.</summary>
    public static JsonObject LayerWithBuild(Layer layer)
    {
        var entry = Layer(layer);
        if (layer.Built && layer.BuiltInputShape is { } shape && layer is not InputLayer)
            entry["build_config"] = new JsonObject { ["input_shape"] = Shape(shape) };
        return entry;
    }

    /// <summary>Keras 3's InputLayer entry for inputs of <paramref name="batchShape"/> (batch axis first).</summary>
    public static JsonObject InputLayerEntry(int?[] batchShape, string name) => KerasJson.Wrap("keras.layers", "InputLayer",
        new JsonObject { ["batch_shape"] = Shape(batchShape), ["dtype"] = "float32", ["sparse"] = false, ["name"] = name });

    /// <summary>A shape as JSON, unknown dimensions as null.</summary>
    public static JsonArray Shape(int?[] shape) => new(shape.Select(d => d is int v ? (JsonNode)v : null).ToArray());

    /// <summary>
    /// A functional model's config, Keras 3's: each layer with its <c>inbound_nodes</c>
    /// (<c>{"args": [keras tensors], "kwargs"}</c>), and the model's <c>input_layers</c> / <c>output_layers</c>.
    /// </summary>
    public static JsonObject Functional(Model model, FunctionalGraph graph)
    {
        var layers = new JsonArray();
        foreach (var layer in graph.Layers)
        {
            var entry = Layer(layer);
            // Shapes come from the input layers; Keras 3 rejects batch_input_shape on other layers.
            if (layer is not InputLayer && entry["config"] is JsonObject lc) lc.Remove("batch_input_shape");
            entry["name"] = layer.Name;
            var nodes = new JsonArray();
            foreach (var node in graph.Nodes.Where(n => n.Layer == layer && n.Layer is not InputLayer))
            {
                JsonNode Tensor(SymbolicTensor t) => new JsonObject
                {
                    ["class_name"] = "__keras_tensor__",
                    ["config"] = new JsonObject
                    {
                        ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()), ["dtype"] = "float32",
                        ["keras_history"] = new JsonArray(t.Layer.Name, t.Node.Index, t.Index),
                    },
                };
                JsonNode arg = node.Inputs.Length == 1 && layer is not Merge ? Tensor(node.Inputs[0]) : new JsonArray(node.Inputs.Select(Tensor).ToArray());
                var kwargs = node.Kwargs is { } given ? (JsonObject)given.DeepClone() : new JsonObject();
                if (node.Training is { } t) kwargs["training"] = t;
                if (layer is RecurrentLayer && node.Inputs.Length > 1)
                {
                    arg = Tensor(node.Inputs[0]);
                    kwargs["initial_state"] = new JsonArray(node.Inputs.Skip(1).Select(Tensor).ToArray());
                }
                nodes.Add(new JsonObject { ["args"] = new JsonArray(arg), ["kwargs"] = kwargs });
            }
            entry["inbound_nodes"] = nodes;
            layers.Add(entry);
        }
        JsonArray Refs(IEnumerable<SymbolicTensor> ts) => new(ts.Select(t => (JsonNode)new JsonArray(t.Layer.Name, t.Node.Index, t.Index)).ToArray());
        return new JsonObject
        {
            ["name"] = model.Name, ["trainable"] = model.Trainable, ["layers"] = layers,
            ["input_layers"] = Refs(graph.Inputs), ["output_layers"] = Refs(graph.Outputs),
        };
    }
}
