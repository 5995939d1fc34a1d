using Graft.Layers;
using Graft.Layers.Merging;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Onnx;

namespace Graft.Onnx.Importing;

/// <summary>
/// Turns an ONNX graph into a Graft functional model, node by node (ONNX lists nodes in topological
/// order). Constants are folded as they appear; each other node becomes one Graft layer named after the
/// node (plus, where ONNX and Keras differ, a padding or transpose layer named after it with a suffix).
/// Partial files hold the operator families.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    private readonly string _path;
    private readonly int _opset;
    private readonly Dictionary<string, OnnxValue> _values = [];
    private readonly HashSet<string> _layerNames = [];
    private NodeProto _node = new();

    public OnnxGraphBuilder(string path, int opset) { _path = path; _opset = opset; }

    public Model Build(GraphProto graph)
    {
        foreach (var init in graph.Initializer)
            _values[init.Name] = OnnxValue.Of(OnnxConstant.FromProto(init, _path, $"graph.initializer '{init.Name}'"));
        var inputs = new List<SymbolicTensor>();
        foreach (var input in graph.Input)
        {
            if (_values.ContainsKey(input.Name)) continue;   // before opset 9, initializers are listed as inputs too
            inputs.Add(AddInput(input));
        }
        if (inputs.Count == 0) throw new ModelFormatException(_path, "graph.input", "expected at least one input that is not an initializer, got none.");
        foreach (var node in graph.Node)
        {
            _node = node;
            if (node.Domain is not ("" or "ai.onnx"))
                throw Unsupported($"operators of domain '{node.Domain}' are not ONNX standard operators");
            Convert(node);
        }
        var outputs = new List<SymbolicTensor>();
        foreach (var output in graph.Output)
        {
            if (!_values.TryGetValue(output.Name, out var v))
                throw new ModelFormatException(_path, $"graph.output '{output.Name}'", "expected an output that a node or an input produces, got a name nothing produces.");
            if (v.Symbol is null)
                throw new NotSupportedException($"ONNX output '{output.Name}' in {_path}: expected an output that depends on the input, got a constant. Graft models compute every output from their inputs.");
            outputs.Add(OnnxLayout(v));
        }
        return new Model(inputs, outputs, name: graph.Name.Length > 0 ? LayerName(graph.Name) : null);
    }

    private SymbolicTensor AddInput(ValueInfoProto input)
    {
        var type = input.Type?.TensorType;
        if (type is null) throw new NotSupportedException($"ONNX input '{input.Name}' in {_path}: expected a tensor input, got {input.Type?.ValueCase.ToString() ?? "no type"}.");
        if (type.ElemType is not (1 or 10 or 11))
            throw new NotSupportedException($"ONNX input '{input.Name}' in {_path}: expected a floating-point input, got ONNX element type {type.ElemType}. Graft models take float32 inputs.");
        if (type.Shape is null || type.Shape.Dim.Count < 2)
            throw new NotSupportedException($"ONNX input '{input.Name}' in {_path}: expected a shape with a batch axis and at least one more, got {(type.Shape is null ? "no shape" : $"rank {type.Shape.Dim.Count}")}.");
        // The first axis is the batch: its size in the file (often 1) does not bind the Graft model.
        var shape = type.Shape.Dim.Skip(1).Select(d => d.DimValue > 0 ? (int)d.DimValue : -1).ToArray();
        var symbol = new Graft.Layers.Core.InputLayer(shape, LayerName(input.Name)).Output;
        var value = OnnxValue.Of(symbol, channelsLast: false);
        if (shape.Length != 3) _values[input.Name] = value;
        // An image input moves channels last once, at the start; an op that needs ONNX's layout takes the input itself.
        else _values[input.Name] = OnnxValue.Of(ChannelsLast(value, input.Name), channelsLast: true).WithOnnxLayout(symbol);
        return symbol;
    }

    // ---- values ----

    private OnnxValue Input(int i)
    {
        if (i >= _node.Input.Count || _node.Input[i].Length == 0) throw Malformed($"expected input {i}, got {_node.Input.Count} inputs");
        return _values.TryGetValue(_node.Input[i], out var v) ? v
            : throw Malformed($"expected input {i} ('{_node.Input[i]}') produced by an earlier node, an initializer or a graph input, got a name nothing produced before");
    }

    private bool HasInput(int i) => i < _node.Input.Count && _node.Input[i].Length > 0;

    private OnnxValue? OptionalInput(int i) => HasInput(i) ? Input(i) : null;

    private SymbolicTensor SymbolInput(int i) => Input(i).Symbol ?? throw NotSupportedHere($"input {i} is a constant where Graft expects the data flowing from the model's input");

    private OnnxConstant ConstantInput(int i, string what) =>
        Input(i).Constant ?? throw NotSupportedHere($"expected {what} (input {i}, '{_node.Input[i]}') known when the model is imported, got a value computed from the model's input");

    private void Output(OnnxValue value, int i = 0)
    {
        if (i < _node.Output.Count && _node.Output[i].Length > 0) _values[_node.Output[i]] = value;
    }

    private void Output(OnnxConstant constant, int i = 0) => Output(OnnxValue.Of(constant), i);

    // ---- layouts ----

    /// <summary>The value in ONNX's layout (NCHW for images).</summary>
    private SymbolicTensor OnnxLayout(OnnxValue v)
    {
        if (!v.ChannelsLast) return v.Symbol!;
        if (v.OnnxLayoutCache is not null) return v.OnnxLayoutCache;
        var s = v.Symbol!.Shape;
        // With 1x1 spatial extent (after global pooling) both layouts hold the same order: a reshape, not a transpose.
        Layer layer = s[1] == 1 && s[2] == 1 && s[3] is { } c
            ? new Reshape([c, 1, 1], name: LayerName(SymbolName(v) + "_nchw"))
            : new Permute([3, 1, 2], name: LayerName(SymbolName(v) + "_nchw"));
        return v.OnnxLayoutCache = layer.Call(v.Symbol);
    }

    /// <summary>The value channels-last (NHWC); it must have rank 4.</summary>
    private SymbolicTensor ChannelsLast(OnnxValue v, string? name = null)
    {
        if (v.ChannelsLast) return v.Symbol!;
        if (v.ChannelsLastCache is not null) return v.ChannelsLastCache;
        if (v.Symbol!.Shape.Length != 4) throw NotSupportedHere($"expected an input of rank 4 (N, C, H, W), got shape {Shape(v)}");
        return v.ChannelsLastCache = new Permute([2, 3, 1], name: LayerName((name ?? SymbolName(v)) + "_nhwc")).Call(v.Symbol);
    }

    /// <summary>
    /// The value's tensor for a reshape in ONNX's row-major order: the tensor itself when its layout is
    /// ONNX's, or when channels-last and the spatial axes are 1 (then both orders agree).
    /// </summary>
    private SymbolicTensor ForReshape(OnnxValue v)
    {
        if (!v.ChannelsLast) return v.Symbol!;
        var s = v.Symbol!.Shape;
        return s[1] == 1 && s[2] == 1 ? v.Symbol : OnnxLayout(v);
    }

    /// <summary>The Graft axis holding ONNX axis <paramref name="axis"/> of <paramref name="v"/> (negative counts from the end).</summary>
    private int GraftAxis(OnnxValue v, long axis)
    {
        int rank = v.Symbol!.Shape.Length;
        int a = NormalizeAxis(axis, rank);
        if (!v.ChannelsLast) return a;
        return a switch { 0 => 0, 1 => rank - 1, _ => a - 1 };
    }

    private int NormalizeAxis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw Malformed($"expected an axis in [{-rank}, {rank - 1}], got {axis}");
        return (int)a;
    }

    private static string SymbolName(OnnxValue v) => v.Symbol!.Layer.Name;

    private static string Shape(OnnxValue v) => v.Symbol is not null ? Layer.FormatShape(v.OnnxShape) : $"({string.Join(", ", v.Constant!.Dims)})";

    // ---- layers ----

    /// <summary>A Graft layer name for an ONNX name: '/' (an HDF5 path separator) becomes '_', and a repeated name gets a suffix.</summary>
    private string LayerName(string onnxName)
    {
        var name = onnxName.Replace('/', '_').Replace(':', '_');
        if (name.Length == 0) name = "onnx";
        var unique = name;
        for (int k = 1; !_layerNames.Add(unique); k++) unique = $"{name}_{k}";
        return unique;
    }

    /// <summary>The name for the node's main layer.</summary>
    private string NodeName() => LayerName(_node.Label());

    /// <summary>The name for a helper layer of the node (padding, transpose).</summary>
    private string NodeName(string suffix) => LayerName(_node.Label() + "_" + suffix);

    private static SymbolicTensor Apply(Layer layer, params SymbolicTensor[] inputs) =>
        layer is Merge merge ? merge.Call(inputs) : layer.Call(inputs[0]);

    /// <summary>Sets a built layer's weights, in <see cref="Layer.Weights"/> order.</summary>
    private static void SetWeights(Layer layer, params (float[] Values, int[] Shape)[] weights) =>
        layer.SetWeights(weights.Select(w => Tensor.FromArray(w.Values, w.Shape)));

    // ---- errors ----

    private string Subject => $"ONNX node '{_node.Label()}' ({_node.OpType}, opset {_opset}) in {_path}";

    private NotSupportedException Unsupported(string why) =>
        new($"{Subject}: Graft has no import for this: {why}.");

    private NotSupportedException NotSupportedHere(string what) => new($"{Subject}: {what}.");

    private ModelFormatException Malformed(string what) =>
        new(_path, $"graph.node '{_node.Label()}' ({_node.OpType})", what + ".");
}
