using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Onnx.Layers;

namespace Graft.Onnx.Importing;

// Element-wise operators keep their input's layout: a channels-last value stays channels-last, and a
// constant operand is transposed to match it once, at import.
internal sealed partial class OnnxGraphBuilder
{
    private void Unary()
    {
        var x = Input(0);
        if (x.Constant is not null) { FoldUnary(x.Constant); return; }
        string op = _node.OpType;
        bool nonNegative = false;
        Layer layer;
        switch (op)
        {
            case "Relu": layer = new ReLU(name: NodeName()); nonNegative = true; break;
            case "LeakyRelu": layer = new LeakyReLU(_node.Float("alpha", 0.01f), NodeName()); break;
            case "Elu": layer = new ELU(_node.Float("alpha", 1f), NodeName()); break;
            case "Sigmoid": layer = new Activation("sigmoid", name: NodeName()); nonNegative = true; break;
            case "Tanh": layer = new Activation("tanh", name: NodeName()); break;
            case "HardSigmoid": layer = new OnnxUnaryOp("hard_sigmoid", _node.Float("alpha", 0.2f), _node.Float("beta", 0.5f), name: NodeName()); nonNegative = true; break;
            case "HardSwish": layer = new OnnxUnaryOp("hard_swish", name: NodeName()); break;
            case "PRelu": PRelu(x); return;
            case "Clip":
                var (min, max) = ClipBounds();
                nonNegative = min >= 0;
                // Clip(0, 6) is ReLU6: Keras's ReLU(max_value) runs as one fused op.
                layer = min == 0f ? new ReLU(float.IsPositiveInfinity(max) || max == float.MaxValue ? null : max, name: NodeName())
                    : new OnnxUnaryOp("clip", min, max, name: NodeName());
                break;
            default:
                layer = new OnnxUnaryOp(op switch { "Reciprocal" => "reciprocal", _ => op.ToLowerInvariant() }, name: NodeName());
                nonNegative = op is "Sqrt" or "Exp" or "Abs";
                break;
        }
        Output(OnnxValue.Of(layer.Call(x.Symbol!), x.ChannelsLast, nonNegative));
    }

    private (float Min, float Max) ClipBounds()
    {
        if (_opset < 11) return (_node.Float("min", float.NegativeInfinity), _node.Float("max", float.PositiveInfinity));
        float Bound(int i, float fallback) => OptionalInput(i) is { } v
            ? (v.Constant ?? throw NotSupportedHere($"expected Clip's bound (input {i}) known at import, got a computed one")).ScalarFloat() : fallback;
        return (Bound(1, float.NegativeInfinity), Bound(2, float.PositiveInfinity));
    }

    private void PRelu(OnnxValue x)
    {
        var slope = ConstantInput(1, "the slope");
        var shape = x.OnnxShape;
        int rank = shape.Length;
        // ONNX's slope broadcasts from the right; Keras's alpha has the input's shape without the batch,
        // with 1 on its shared axes. Expand to the full rank, then move channels last like the input.
        var dims = Enumerable.Repeat(1, rank - 1 - Math.Min(slope.Rank, rank - 1)).Concat(slope.Dims.TakeLast(rank - 1)).ToArray();
        if (slope.Rank > rank - 1 && slope.Dims.Take(slope.Rank - rank + 1).Any(d => d != 1))
            throw NotSupportedHere($"expected a slope that broadcasts over the batch, got shape ({string.Join(", ", slope.Dims)})");
        var alpha = slope.WithDims([1, .. dims]);
        if (x.ChannelsLast) alpha = alpha.Transpose([0, 2, 3, 1]);
        var alphaDims = alpha.Dims.Skip(1).ToArray();
        for (int a = 0; a < alphaDims.Length; a++)
            if (alphaDims[a] != 1 && x.Symbol!.Shape[a + 1] is { } d && d != alphaDims[a])
                throw Malformed($"expected a slope that broadcasts with input {Shape(x)}, got shape ({string.Join(", ", slope.Dims)})");
        var shared = alphaDims.Select((d, a) => (d, a)).Where(p => p.d == 1 && x.Symbol!.Shape[p.a + 1] != 1).Select(p => p.a + 1).ToArray();
        var layer = new PReLU(sharedAxes: shared, name: NodeName());
        var y = layer.Call(x.Symbol!);
        var weightShape = layer.Weights[0].Shape.ToArray();
        SetWeights(layer, (alpha.AsFloats(), weightShape));
        Output(OnnxValue.Of(y, x.ChannelsLast));
    }

    private void Softmax()
    {
        var x = Input(0);
        SymbolInput(0);
        bool log = _node.OpType == "LogSoftmax";
        int rank = x.OnnxShape.Length;
        int axis = NormalizeAxis(_node.Int("axis", _opset < 13 ? 1 : -1), rank);
        if (_opset < 13 && axis < rank - 1)
        {
            // Before opset 13 the input is flattened to 2-D at axis: one softmax over all trailing axes.
            if (axis == 0) throw NotSupportedHere("expected a softmax axis after the batch axis, got axis 0");
            var flat = new Reshape([.. x.OnnxShape.Skip(1).Take(axis - 1).Select(d => d ?? -1), -1], name: NodeName("flatten")).Call(ForReshape(x));
            var s = (log ? new OnnxUnaryOp("log_softmax", axis: -1, name: NodeName()) : (Layer)new Softmax(-1, NodeName())).Call(flat);
            var back = new Reshape(x.OnnxShape.Skip(1).Select(d => d ?? -1).ToArray(), name: NodeName("unflatten")).Call(s);
            Output(OnnxValue.Of(back, channelsLast: false));
            return;
        }
        int graftAxis = GraftAxis(x, axis);
        int kerasAxis = graftAxis == x.Symbol!.Shape.Length - 1 ? -1 : graftAxis;
        Layer layer = log ? new OnnxUnaryOp("log_softmax", axis: kerasAxis, name: NodeName()) : new Softmax(kerasAxis, NodeName());
        Output(OnnxValue.Of(layer.Call(x.Symbol), x.ChannelsLast, nonNegative: !log));
    }

    private void Elementwise()
    {
        string op = _node.OpType;
        var inputs = Enumerable.Range(0, _node.Input.Count).Select(Input).ToList();
        if (inputs.Count == 0) throw Malformed("expected at least one input, got none");
        if (inputs.All(v => v.Constant is not null)) { Output(FoldBinary(op, inputs.Select(v => v.Constant!).ToList())); return; }
        if (inputs.Count == 1) { Output(inputs[0]); return; }
        if (inputs.Count > 2 && op is not ("Sum" or "Max" or "Min")) throw Malformed($"expected 2 inputs, got {inputs.Count}");
        string operation = op switch { "Add" or "Sum" => "add", "Sub" => "sub", "Mul" => "mul", "Div" => "div", "Pow" => "pow", "Max" => "max", _ => "min" };
        var symbols = inputs.Where(v => v.Symbol is not null).ToList();
        var constants = inputs.Where(v => v.Constant is not null).Select(v => v.Constant!).ToList();
        if (symbols.Count == 1)
        {
            // One computed operand and constants: fold the constants together, then one layer.
            var c = constants.Count == 1 ? constants[0] : FoldBinary(op, constants);
            bool reverse = inputs[0].Constant is not null;
            Output(WithConstant(operation, symbols[0], c, reverse));
            return;
        }
        if (constants.Count > 0) throw NotSupportedHere("expected one constant operand at most among several computed ones, got more");
        // Several computed operands: a Keras merge layer, all in one layout.
        bool channelsLast = symbols.All(v => v.OnnxShape.Length == 4) && symbols.Any(v => v.ChannelsLast);
        int rank = symbols.Max(v => v.OnnxShape.Length);
        if (channelsLast && symbols.Any(v => v.OnnxShape.Length != rank)) channelsLast = false;
        var tensors = symbols.Select(v => channelsLast ? ChannelsLast(v) : OnnxLayout(v)).ToArray();
        if (tensors.Any(t => t.Shape.Length != rank))
            throw NotSupportedHere($"expected operands of one rank, got shapes {string.Join(", ", symbols.Select(Shape))}");
        Layer layer = operation switch
        {
            "add" => new Add(NodeName()),
            "sub" => new Subtract(NodeName()),
            "mul" => new Multiply(NodeName()),
            "max" => new Maximum(NodeName()),
            "min" => new Minimum(NodeName()),
            _ => new OnnxBinaryOp(operation, NodeName()),
        };
        bool nonNegative = symbols.All(v => v.NonNegative) && operation is "add" or "mul" or "max" or "min";
        Output(OnnxValue.Of(Apply(layer, tensors), channelsLast, nonNegative));
    }

    /// <summary><paramref name="x"/> op <paramref name="c"/> (or c op x), as one <see cref="OnnxConstantOp"/>.</summary>
    private OnnxValue WithConstant(string operation, OnnxValue x, OnnxConstant c, bool reverse)
    {
        int rank = x.OnnxShape.Length;
        if (c.Rank > rank) throw NotSupportedHere($"expected a constant of rank at most the input's ({rank}), got shape ({string.Join(", ", c.Dims)})");
        var full = c.WithDims([.. Enumerable.Repeat(1, rank - c.Rank), .. c.Dims]);
        if (full.Dims[0] != 1) throw NotSupportedHere($"expected a constant that broadcasts over the batch (first axis 1), got shape ({string.Join(", ", c.Dims)})");
        var values = full.AsFloats();
        bool identity = (operation is "add" or "sub" && values.All(v => v == 0f) && !reverse) || (operation is "mul" or "div" && values.All(v => v == 1f) && !reverse);
        if (identity && full.Dims.Skip(1).Select((d, i) => d == 1 || d == x.OnnxShape[i + 1]).All(b => b)) return x;
        var symbol = x.Symbol!;
        bool channelsLast = x.ChannelsLast;
        if (channelsLast) full = full.Transpose([0, 2, 3, 1]);
        var layer = new OnnxConstantOp(operation, full.Dims, reverse, NodeName());
        var y = layer.Call(symbol);
        SetWeights(layer, (full.AsFloats(), full.Dims));
        bool nonNegative = x.NonNegative && values.All(v => v >= 0) && operation is "add" or "mul" or "div" or "max";
        return OnnxValue.Of(y, channelsLast, nonNegative);
    }
}
