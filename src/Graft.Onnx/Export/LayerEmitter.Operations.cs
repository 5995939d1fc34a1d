using System.Text.Json.Nodes;
using Graft.Layers.Core;

namespace Graft.Onnx.Export;

/// <summary>
/// Operation layers (Keras 3's operation nodes, Keras 2's TFOpLambda) as the ONNX operator of the same
/// meaning, constants as initializers. A registered operation Graft does not know cannot be exported.
/// </summary>
internal sealed partial class LayerEmitter
{
    private Value EmitOperation(OperationLayer op, IReadOnlyList<Value> inputs)
    {
        string h = op.Name;
        var args = op.Arguments["args"] as JsonArray ?? [];
        var kwargs = op.Arguments["kwargs"] as JsonObject ?? [];
        JsonNode? Find(int position, string[] names)
        {
            foreach (var n in names) if (kwargs.TryGetPropertyValue(n, out var v)) return v;
            return position < args.Count ? args[position] : null;
        }
        // An argument as a graph value: a tensor place, or a constant as an initializer.
        string Operand(int position, params string[] names) => Find(position, names) switch
        {
            JsonObject o when o["tensor"] is JsonValue t => inputs[t.GetValue<int>()].Name,
            JsonValue v => G.Scalar($"{h}/constant", (float)v.GetValue<double>()),
            JsonArray a => G.Floats($"{h}/constant", a.Select(x => (float)x!.GetValue<double>()).ToArray(), a.Count),
            var other => throw Unsupported(op, $"argument {position} ({string.Join(" / ", names)}) = {other?.ToJsonString() ?? "none"}"),
        };
        long[]? Ints(int position, params string[] names) => Find(position, names) switch
        {
            JsonArray a => a.Select(x => x is null ? -1L : (long)x.GetValue<double>()).ToArray(),
            JsonValue v when v.TryGetValue<double>(out var d) => [(long)d],
            _ => null,
        };
        bool Keep() => Find(2, ["keepdims", "keep_dims"]) is JsonValue k && k.GetValue<bool>();
        string X() => Operand(0, "x", "features", "input", "input_tensor", "tensor", "a", "x1");
        string Binary2(string onnx) => Binary(onnx, Operand(0, "x", "x1", "a"), Operand(1, "y", "x2", "b"), h);
        string Reduce(string onnx)
        {
            var axes = Ints(1, "axis");
            var attributes = new List<(string, object)> { ("keepdims", Keep() ? 1 : 0) };
            if (onnx == "ReduceSum") return G.Op(onnx, h, axes is null ? [X()] : [X(), G.Ints($"{h}/axes", axes)], [.. attributes]);
            if (axes is not null) attributes.Add(("axes", axes));
            return G.Op(onnx, h, [X()], [.. attributes]);
        }
        string y = op.Function switch
        {
            "add" => Binary2("Add"),
            "subtract" => Binary2("Sub"),
            "multiply" => Binary2("Mul"),
            "divide" or "true_divide" => Binary2("Div"),
            "power" => Binary2("Pow"),
            "maximum" => Binary2("Max"),
            "minimum" => Binary2("Min"),
            "matmul" => G.Op("MatMul", h, [Operand(0, "x1", "a"), Operand(1, "x2", "b")]),
            "negative" => G.Op("Neg", h, [X()]),
            "abs" => G.Op("Abs", h, [X()]),
            "exp" => G.Op("Exp", h, [X()]),
            "log" => G.Op("Log", h, [X()]),
            "sqrt" => G.Op("Sqrt", h, [X()]),
            "square" => Binary("Mul", X(), X(), h),
            "relu" => G.Op("Relu", h, [X()]),
            "relu6" => G.Op("Clip", h, [X(), G.Scalar($"{h}/min", 0f), G.Scalar($"{h}/max", 6f)]),
            "sigmoid" => G.Op("Sigmoid", h, [X()]),
            "tanh" => G.Op("Tanh", h, [X()]),
            "mean" => Reduce("ReduceMean"),
            "sum" => Reduce("ReduceSum"),
            "max" => Reduce("ReduceMax"),
            "reshape" => G.Op("Reshape", h, [X(), G.Ints($"{h}/shape", Ints(1, "newshape", "shape")!)]),
            "transpose" => Ints(1, "axes", "perm") is { } perm ? G.Op("Transpose", h, [X()], ("perm", perm)) : G.Op("Transpose", h, [X()]),
            "concatenate" => G.Op("Concat", h, Find(0, ["xs", "values"]) is JsonObject { } list && list["tensors"] is JsonArray places
                ? places.Select(p => inputs[p!.GetValue<int>()].Name) : throw Unsupported(op, "concatenate without a list of tensors"),
                ("axis", (int)(Ints(1, "axis")?[0] ?? 0))),
            "expand_dims" => Unsqueeze(X(), h, Ints(1, "axis")!),
            "squeeze" => Ints(1, "axis") is { } axes ? G.Op("Squeeze", h, [X(), G.Ints($"{h}/axes", axes)]) : G.Op("Squeeze", h, [X()]),
            _ => throw Unsupported(op, $"operation '{op.Function}', which Graft's exporter does not know"),
        };
        return new Value(y, op.BuildNodeShape(inputs.Select(v => v.Shape).ToList()));
    }
}
