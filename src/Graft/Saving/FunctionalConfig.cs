using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Attention;
using Graft.Layers.Core;
using Graft.Models;

namespace Graft.Saving;

/// <summary>
/// Functional model configs: each layer with its <c>inbound_nodes</c>, and the model's
/// <c>input_layers</c> / <c>output_layers</c>. Reads Keras 2's nested-list node format and
/// Keras 3's <c>{"args": [keras tensors], "kwargs"}</c> format (a model writes its own, Keras 3's: <c>ModelJson.Functional</c>).
/// </summary>
internal static class FunctionalConfig
{
    public static Model Build(JsonObject config, string source, ConfigReadContext context)
    {
        var entries = config["layers"] as JsonArray ?? throw new ModelFormatException($"{source}: expected a 'layers' list in the functional config, got none.");
        var layers = new Dictionary<string, Layer>();
        var pending = new List<(Layer layer, JsonObject entry, int next)>();
        var outputs = new Dictionary<(string, int, int), SymbolicTensor>();
        // Keras 2 before 2.10 made Attention and AdditiveAttention causal by the config's `causal`
        // (base_dense_attention.py), which later versions moved to the call's use_causal_mask: such
        // a layer's calls get that argument, and are written back in today's form.
        var causalByConfig = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i] as JsonObject ?? throw new ModelFormatException($"{source}: expected layer {i} to be an object.");
            // In a graph, shapes come from the inputs; a layer's own input shape is ignored, as in Keras.
            var layer = OperationConfig.IsOperation(e) ? OperationConfig.Read(e, $"{source} layers[{i}]")
                : ModelConfig.Layer(e, $"{source} layers[{i}]", context, keepInputShape: false);
            string name = e["name"]?.GetValue<string>() ?? layer.Name;
            layers[name] = layer;
            if (layer is AttentionBase && e["config"]?["causal"] is JsonValue cv && cv.TryGetValue<bool>(out var causal) && causal) causalByConfig.Add(layer);
            if (layer is InputLayer il) outputs[(name, 0, 0)] = il.Output;
            else pending.Add((layer, e, 0));
        }
        // Keras's algorithm: keep calling layers whose inputs exist until nothing moves.
        bool progress = true;
        while (progress && pending.Count > 0)
        {
            progress = false;
            for (int p = 0; p < pending.Count; p++)
            {
                var (layer, entry, next) = pending[p];
                var nodes = entry["inbound_nodes"] as JsonArray ?? [];
                while (next < nodes.Count)
                {
                    var (refs, training, kwargs) = Parse(nodes[next], source, layer);
                    if (causalByConfig.Contains(layer)) (kwargs ??= [])["use_causal_mask"] = true;
                    if (!refs.All(r => outputs.ContainsKey(r))) break;
                    var inputs = refs.Select(r => outputs[r]).ToArray();
                    SymbolicTensor[] results;
                    try { FunctionalGraph.Record(layer, inputs, training, kwargs); results = layer.InboundNodes[^1].Outputs; }
                    catch (ArgumentException e) { throw new ModelFormatException($"{source}: {e.Message}", e); }
                    for (int k = 0; k < results.Length; k++) outputs[(layer.Name, next, k)] = results[k];
                    next++;
                    progress = true;
                }
                pending[p] = (layer, entry, next);
            }
            pending.RemoveAll(x => x.next >= ((x.entry["inbound_nodes"] as JsonArray)?.Count ?? 0));
        }
        if (pending.Count > 0)
            throw new ModelFormatException($"{source}: expected every layer's inputs to be defined, got unresolved inputs for {string.Join(", ", pending.Select(x => x.layer.Name))}.");
        SymbolicTensor[] Resolve(string key) => Refs(config[key], source).Select(r => outputs.TryGetValue(r, out var t) ? t
            : throw new ModelFormatException($"{source}: expected {key} entry '{r.layer}' (node {r.node}, tensor {r.tensor}) to be a layer output, got none.")).ToArray();
        var model = new Model(Resolve("input_layers"), Resolve("output_layers"), config["name"]?.GetValue<string>());
        if (config["trainable"] is JsonValue tv && tv.TryGetValue<bool>(out var tr) && !tr) model.Trainable = false;
        return model;
    }

    private static List<(string layer, int node, int tensor)> Refs(JsonNode? node, string source)
    {
        // [["in", 0, 0], ...] or (one input, Keras 3) ["in", 0, 0].
        if (node is JsonArray a && a.Count > 0 && a[0] is JsonValue) return [Ref(a, source)];
        if (node is JsonArray list) return list.Select(x => Ref(x as JsonArray ?? throw new ModelFormatException($"{source}: expected a [layer, node, tensor] reference, got {x?.ToJsonString()}."), source)).ToList();
        throw new ModelFormatException($"{source}: expected a list of [layer, node, tensor] references, got {node?.ToJsonString() ?? "null"}.");
    }

    private static (string layer, int node, int tensor) Ref(JsonArray a, string source) =>
        a.Count >= 2 && a[0] is JsonValue && a[1] is JsonValue ? (a[0]!.GetValue<string>(), ConfigReader.ToInt(a[1]!), a.Count >= 3 && a[2] is JsonValue ? ConfigReader.ToInt(a[2]!) : 0) : throw new ModelFormatException($"{source}: expected a [layer, node, tensor] reference, got {a.ToJsonString()}.");

    /// <summary>
    /// The call arguments a node keeps beside its tensors and training flag (<see cref="Node.Kwargs"/>):
    /// attention's <c>use_causal_mask</c>, which changes what the call computes. Others that would
    /// (<c>return_attention_scores</c>) are recognised and refused; the rest (masks Keras passes
    /// along) are recomputed from the graph.
    /// </summary>
    private static JsonObject? CallArguments(IEnumerable<JsonNode?> kwargsList, string source, Layer layer)
    {
        JsonObject? kept = null;
        foreach (var kw in kwargsList.OfType<JsonObject>())
        {
            if (kw["return_attention_scores"] is JsonValue r && r.TryGetValue<bool>(out var scores) && scores)
                throw new NotSupportedException($"{source}: {layer.Describe()} is called with return_attention_scores=True; Graft's attention layers return the output only.");
            if (kw["use_causal_mask"] is JsonValue c && layer is AttentionBase or MultiHeadAttention)
            {
                if (!c.TryGetValue<bool>(out var causal))
                    throw new ModelFormatException($"{source}: expected use_causal_mask of {layer.Describe()} to be true or false, got {c.ToJsonString()}.");
                if (causal) (kept ??= [])["use_causal_mask"] = true;
            }
        }
        return kept;
    }

    /// <summary>The references, training flag and call arguments of one inbound node, in either Keras format.</summary>
    private static (List<(string layer, int node, int tensor)> refs, bool? training, JsonObject? kwargs) Parse(JsonNode? node, string source, Layer layer)
    {
        if (layer is OperationLayer) return (OperationConfig.References(node, source), null, null);
        if (node is JsonObject o && o["args"] is JsonArray args)
        {
            // Keras 3: {"args": [tensor or [tensors]], "kwargs": {...}}
            var refs = new List<(string, int, int)>();
            void Collect(JsonNode? n)
            {
                if (n is JsonObject t && t["class_name"]?.GetValue<string>() == "__keras_tensor__" && t["config"]?["keras_history"] is JsonArray h) refs.Add(Ref(h, source));
                else if (n is JsonArray arr) foreach (var x in arr) Collect(x);
            }
            foreach (var a in args) Collect(a);          // mha(query, value) has two positional tensors
            Collect(o["kwargs"]?["initial_state"]);   // a recurrent layer's initial states follow its input
            Collect(o["kwargs"]?["value"]);           // attention called as mha(query, value=v, key=k)
            Collect(o["kwargs"]?["key"]);
            bool? training = o["kwargs"]?["training"] is JsonValue tv && tv.TryGetValue<bool>(out var b) ? b : null;
            return (refs, training, CallArguments([o["kwargs"]], source, layer));
        }
        if (node is JsonArray legacy)
        {
            // Keras 2: [[layer, node, tensor, kwargs], ...]
            var refs = new List<(string, int, int)>();
            bool? training = null;
            foreach (var r in legacy)
            {
                var a = r as JsonArray ?? throw new ModelFormatException($"{source}: expected inbound node entries as lists for {layer.Describe()}, got {r?.ToJsonString()}.");
                refs.Add(Ref(a, source));
                if (a.Count > 3 && a[3]?["training"] is JsonValue tv && tv.TryGetValue<bool>(out var b)) training = b;
                foreach (var kw in new[] { "value", "key" })
                    if (a.Count > 3 && a[3]?[kw] is JsonArray kref) refs.Add(Ref(kref, source));
                if (a.Count > 3 && a[3]?["initial_state"] is JsonArray states)
                    foreach (var st in states) refs.Add(Ref(st as JsonArray ?? throw new ModelFormatException($"{source}: expected initial_state references as lists for {layer.Describe()}, got {st?.ToJsonString()}."), source));
            }
            // Keras 2 repeats the call's keyword arguments in each entry of the node.
            return (refs, training, CallArguments(legacy.Select(r => r is JsonArray { Count: > 3 } a ? a[3] : null), source, layer));
        }
        throw new ModelFormatException($"{source}: expected an inbound node for {layer.Describe()}, got {node?.ToJsonString() ?? "null"}.");
    }
}
