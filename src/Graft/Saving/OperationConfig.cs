using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Core;

namespace Graft.Saving;

/// <summary>
/// Operations in functional configs, read as <see cref="OperationLayer"/>s: Keras 3's operation nodes
/// (an entry whose <c>module</c> is <c>keras.src.ops.*</c>: <c>Add</c>, <c>Reshape</c>, … with the
/// op's own arguments in its config and the call's in the node's <c>args</c>), and Keras 2's
/// <c>TFOpLambda</c> (the TensorFlow function's name in <c>function</c>, the call's first argument as
/// the node's tensor and the others as its keyword arguments). TensorFlow's names map to Keras 3's.
/// </summary>
internal static class OperationConfig
{
    // TensorFlow function names (tf.keras's TFOpLambda) → Keras 3's op names.
    private static readonly Dictionary<string, string> s_tensorFlowNames = new()
    {
        ["__operators__.add"] = "add", ["math.add"] = "add", ["math.subtract"] = "subtract", ["__operators__.sub"] = "subtract",
        ["math.multiply"] = "multiply", ["__operators__.mul"] = "multiply", ["math.truediv"] = "true_divide", ["__operators__.truediv"] = "true_divide",
        ["math.divide"] = "divide", ["math.pow"] = "power", ["__operators__.pow"] = "power", ["math.negative"] = "negative", ["__operators__.neg"] = "negative",
        ["math.maximum"] = "maximum", ["math.minimum"] = "minimum", ["linalg.matmul"] = "matmul", ["math.abs"] = "abs", ["math.exp"] = "exp",
        ["math.log"] = "log", ["math.sqrt"] = "sqrt", ["math.square"] = "square", ["nn.relu"] = "relu", ["nn.relu6"] = "relu6",
        ["math.sigmoid"] = "sigmoid", ["nn.sigmoid"] = "sigmoid", ["math.tanh"] = "tanh", ["nn.tanh"] = "tanh",
        ["math.reduce_mean"] = "mean", ["math.reduce_sum"] = "sum", ["math.reduce_max"] = "max", ["reshape"] = "reshape",
        ["transpose"] = "transpose", ["compat.v1.transpose"] = "transpose", ["concat"] = "concatenate", ["expand_dims"] = "expand_dims",
        ["squeeze"] = "squeeze", ["compat.v1.squeeze"] = "squeeze",
    };

    /// <summary>Whether a functional config entry is an operation rather than a layer.</summary>
    public static bool IsOperation(JsonObject entry) =>
        entry["class_name"]?.GetValue<string>() is "TFOpLambda" or "SlicingOpLambda"
        || entry["module"] is JsonValue m && m.TryGetValue<string>(out var module) && (module.StartsWith("keras.src.ops", StringComparison.Ordinal) || module.StartsWith("keras.ops", StringComparison.Ordinal));

    /// <summary>The operation of <paramref name="entry"/>, its arguments taken from its first call (its inbound node).</summary>
    /// <exception cref="NotSupportedException">Graft has no implementation of the operation; the message names it and how to register one.</exception>
    public static OperationLayer Read(JsonObject entry, string where)
    {
        string className = entry["class_name"]?.GetValue<string>() ?? throw new ModelFormatException($"{where}: expected a class_name, got none.");
        var config = entry["config"] as JsonObject ?? [];
        string? name = entry["name"]?.GetValue<string>() ?? config["name"]?.GetValue<string>();
        var nodes = entry["inbound_nodes"] as JsonArray;
        var first = nodes is { Count: > 0 } ? nodes[0] : null;
        var refs = new List<(string, int, int)>();
        string function;
        JsonObject arguments;
        if (className is "TFOpLambda" or "SlicingOpLambda")
        {
            string tf = config["function"]?.GetValue<string>() ?? throw new ModelFormatException($"{where}: expected TFOpLambda '{name}' to name its 'function', got none.");
            function = s_tensorFlowNames.GetValueOrDefault(tf, tf);
            arguments = Keras2Arguments(first, where, refs);
        }
        else
        {
            function = LayerNames.ToSnakeCase(className);
            arguments = Keras3Arguments(first, where, refs);
            // The op's own arguments (axis, keepdims, newshape, axes) are keyword arguments of the call.
            foreach (var (key, value) in config)
                if (key is not ("name" or "trainable" or "dtype")) arguments["kwargs"]![key] = value?.DeepClone();
        }
        try { return new OperationLayer(function, arguments, name); }
        catch (ArgumentException e) { throw new ModelFormatException($"{where}: {e.Message}", e); }
    }

    /// <summary>The graph tensors one call of an operation reads, in the order of its tensor places.</summary>
    public static List<(string layer, int node, int tensor)> References(JsonNode? node, string where)
    {
        var refs = new List<(string, int, int)>();
        if (node is JsonObject) Keras3Arguments(node, where, refs);
        else Keras2Arguments(node, where, refs);
        return refs;
    }

    private static JsonObject Keras3Arguments(JsonNode? node, string where, List<(string, int, int)> refs)
    {
        JsonNode? Place(JsonNode? n)
        {
            if (n is JsonObject t && t["class_name"]?.GetValue<string>() == "__keras_tensor__" && t["config"]?["keras_history"] is JsonArray h)
            {
                refs.Add(Ref(h, where));
                return new JsonObject { ["tensor"] = refs.Count - 1 };
            }
            if (n is JsonArray list && list.Count > 0 && list.All(x => x is JsonObject xo && xo["class_name"]?.GetValue<string>() == "__keras_tensor__"))
                return new JsonObject { ["tensors"] = new JsonArray(list.Select(x => (JsonNode)((JsonObject)Place(x)!)["tensor"]!.GetValue<int>()).ToArray()) };
            return n?.DeepClone();
        }
        var args = node?["args"] as JsonArray ?? [];
        var kwargs = node?["kwargs"] as JsonObject ?? [];
        return new JsonObject
        {
            ["args"] = new JsonArray(args.Select(Place).ToArray()),
            ["kwargs"] = new JsonObject(kwargs.Select(p => KeyValuePair.Create(p.Key, Place(p.Value)))),
        };
    }

    private static JsonObject Keras2Arguments(JsonNode? node, string where, List<(string, int, int)> refs)
    {
        // [[layer, node, tensor, kwargs], …]: the tensors of the first argument (several for tf.concat's list), then keyword arguments.
        var entries = node as JsonArray ?? throw new ModelFormatException($"{where}: expected a TFOpLambda inbound node as a list, got {node?.ToJsonString() ?? "null"}.");
        var kwargs = new JsonObject();
        foreach (var e in entries)
        {
            var a = e as JsonArray ?? throw new ModelFormatException($"{where}: expected inbound node entries as lists, got {e?.ToJsonString()}.");
            refs.Add(Ref(a, where));
            if (a.Count > 3 && a[3] is JsonObject kw)
                foreach (var (key, value) in kw)
                    if (key != "name") kwargs[key] = value?.DeepClone();
        }
        int firstCount = refs.Count;
        JsonNode firstArgument = firstCount == 1 ? new JsonObject { ["tensor"] = 0 } : new JsonObject { ["tensors"] = new JsonArray(Enumerable.Range(0, firstCount).Select(i => (JsonNode)i).ToArray()) };
        // A keyword argument that is a tensor is written as its [layer, node, tensor] reference.
        foreach (var key in kwargs.Select(p => p.Key).ToList())
            if (kwargs[key] is JsonArray r && r.Count >= 3 && r[0] is JsonValue v && v.TryGetValue<string>(out _) && r[1] is JsonValue && r[2] is JsonValue)
            {
                refs.Add(Ref(r, where));
                kwargs[key] = new JsonObject { ["tensor"] = refs.Count - 1 };
            }
        return new JsonObject { ["args"] = new JsonArray(firstArgument), ["kwargs"] = kwargs };
    }

    private static (string, int, int) Ref(JsonArray a, string where) =>
        a.Count >= 2 && a[0] is JsonValue && a[1] is JsonValue
            ? (a[0]!.GetValue<string>(), ConfigReader.ToInt(a[1]!), a.Count >= 3 && a[2] is JsonValue ? ConfigReader.ToInt(a[2]!) : 0)
            : throw new ModelFormatException($"{where}: expected a [layer, node, tensor] reference, got {a.ToJsonString()}.");
}
