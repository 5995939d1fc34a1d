using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Saving;

namespace Graft.Onnx.Layers;

/// <summary>
/// Registers the layers of imported ONNX models that Keras lacks, so that a model imported from ONNX and
/// saved as <c>.keras</c> or <c>.h5</c> loads back (in Graft, with Graft.Onnx referenced).
/// </summary>
internal static class OnnxLayers
{
    private static int s_registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        Add("OnnxConstantOp", c => new OnnxConstantOp(Str(c, "operation"), Ints(c, "constant_shape"), Bool(c, "reverse"), Name(c)));
        Add("OnnxUnaryOp", c => new OnnxUnaryOp(Str(c, "operation"), Float(c, "alpha"), Float(c, "beta"), Int(c, "axis"), Name(c)));
        Add("OnnxBinaryOp", c => new OnnxBinaryOp(Str(c, "operation"), Name(c)));
        Add("OnnxSlice", c => new OnnxSlice(Ints(c, "axes"), Ints(c, "starts"), Ints(c, "ends"), Ints(c, "steps"), Name(c)));
        Add("OnnxGather", c => new OnnxGather(Int(c, "axis"), Ints(c, "indices"), Bool(c, "squeeze"), Name(c)));
        Add("OnnxPad", c => new OnnxPad(Node(c, "pads").AsArray().Select(p => p!.AsArray().Select(v => v!.GetValue<int>()).ToArray()).ToArray(), Float(c, "value"), Name(c)));
        Add("OnnxAveragePool", c => new OnnxAveragePool(Ints(c, "pool_size"), Ints(c, "strides"), Ints(c, "pads"), Ints(c, "extra"), Bool(c, "count_include_pad"), Name(c)));
        Add("OnnxLrn", c => new OnnxLrn(Int(c, "size"), Float(c, "alpha"), Float(c, "beta"), Float(c, "lrn_bias"), Name(c)));
        Add("OnnxReduce", c => new OnnxReduce(Str(c, "operation"), Ints(c, "axes"), Bool(c, "keepdims"), Name(c)));
        Add("OnnxResize", c => new OnnxResize(Ints(c, "size"), Node(c, "scales").AsArray().Select(v => v!.GetValue<float>()).ToArray(),
            Str(c, "mode"), Str(c, "coordinate_transformation_mode"), Str(c, "nearest_mode"), Name(c)));
    }

    internal static string Format(int[] values) => $"({string.Join(", ", values)})";

    internal static JsonArray Array(int[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static void Add(string className, Func<JsonObject, Layer> build) => LayerRegistry.Register(className, c =>
    {
        Layer layer;
        try { layer = build(c); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            throw new ModelFormatException($"{className} '{c["name"]?.ToString() ?? "?"}': expected its config keys ({e.Message}), got {c.ToJsonString()}.", e);
        }
        if (c["trainable"] is JsonValue t && t.TryGetValue<bool>(out bool trainable)) layer.Trainable = trainable;
        return layer;
    });

    private static JsonNode Node(JsonObject c, string key) => c[key] ?? throw new KeyNotFoundException($"'{key}' missing");
    private static string Str(JsonObject c, string key) => Node(c, key).GetValue<string>();
    private static bool Bool(JsonObject c, string key) => Node(c, key).GetValue<bool>();
    private static float Float(JsonObject c, string key) => Node(c, key).GetValue<float>();
    private static int Int(JsonObject c, string key) => Node(c, key).GetValue<int>();
    private static int[] Ints(JsonObject c, string key) => Node(c, key).AsArray().Select(v => v!.GetValue<int>()).ToArray();
    private static string? Name(JsonObject c) => c["name"]?.GetValue<string>();
}
