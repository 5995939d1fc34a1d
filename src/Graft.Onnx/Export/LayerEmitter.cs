using Graft.Layers;
using Graft.Layers.Attention;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Pooling;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;

namespace Graft.Onnx.Export;

/// <summary>
/// Writes Graft layers as ONNX nodes, in Graft's own layout (channels last): each layer family's
/// rules sit in a partial file of their own. Values carry Keras shapes and sequence masks, so that
/// a mask made by Embedding or Masking reaches the recurrent layers and poolings that honour it, as
/// it does when Graft runs the model.
/// </summary>
internal sealed partial class LayerEmitter(OnnxGraph graph)
{
    private OnnxGraph G { get; set; } = graph;

    // Whether the attention call being emitted has use_causal_mask (a graph node's argument).
    private bool _causalCall;

    /// <summary>Emits a whole model on <paramref name="inputs"/> (one per model input) and returns its outputs.</summary>
    public Value[] EmitModel(Model model, IReadOnlyList<Value> inputs)
    {
        if (model is Sequential seq)
        {
            if (inputs.Count != 1) throw new ArgumentException($"{Describe(model)}: expected one input, got {inputs.Count}.");
            var v = inputs[0];
            foreach (var layer in seq.Layers) v = Single(EmitLayer(layer, [v], null), layer);
            return [v];
        }
        var graph = model.Graph ?? throw new NotSupportedException($"{Describe(model)}: expected a Sequential or functional model, got a subclassed model without a layer graph; ONNX export needs the graph.");
        if (inputs.Count != graph.Inputs.Length) throw new ArgumentException($"{Describe(model)}: expected {graph.Inputs.Length} inputs, got {inputs.Count}.");
        var values = new Dictionary<SymbolicTensor, Value>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Count; i++) values[graph.Inputs[i]] = inputs[i];
        foreach (var node in graph.Nodes)
        {
            if (node.Layer is InputLayer) continue;
            // An attention call's use_causal_mask, which the attention emitters read.
            _causalCall = AttentionBase.UsesCausalMask(node.Kwargs, Describe(node.Layer));
            Value[] outs;
            try { outs = EmitLayer(node.Layer, node.Inputs.Select(i => values[i]).ToList(), node.Training); }
            finally { _causalCall = false; }
            if (outs.Length != node.Outputs.Length)
                throw new InvalidOperationException($"{Describe(node.Layer)}: expected {node.Outputs.Length} outputs from its export, got {outs.Length}.");
            for (int i = 0; i < outs.Length; i++) values[node.Outputs[i]] = outs[i];
        }
        return graph.Outputs.Select(o => values[o]).ToArray();
    }

    private static Value Single(Value[] outs, Layer layer) =>
        outs.Length == 1 ? outs[0] : throw new NotSupportedException($"{Describe(layer)}: expected one output in a Sequential, got {outs.Length}.");

    /// <summary>One call of <paramref name="layer"/>: its outputs, with masks as Graft gives them.</summary>
    public Value[] EmitLayer(Layer layer, IReadOnlyList<Value> inputs, bool? training)
    {
        // A call pinned to training=True runs dropout or batch statistics in Graft: no fixed graph computes that.
        if (training == true && !layer.TrainingMatchesInference)
            throw new NotSupportedException($"{Describe(layer)}: expected a call in inference mode, got one fixed to training=True, which ONNX export cannot reproduce. Call the layer with training: null or false.");
        switch (layer)
        {
            case Model m: return EmitModel(m, inputs);
            case InputLayer: return [inputs[0]];
            case Merge merge: return [EmitMerge(merge, inputs)];
            case RecurrentBase r: return EmitRecurrent(r, inputs);
            case RNN rnn: return EmitRnn(rnn, inputs);
            case OperationLayer op:
                if (inputs.Any(v => v.Mask is not null))
                    throw new NotSupportedException($"{Describe(op)}: expected inputs without sequence masks, got a masked input; an operation does not carry masks.");
                return [EmitOperation(op, inputs)];
            case RecurrentCell cell: return EmitCell(cell, inputs);
            case Bidirectional b: return EmitBidirectional(b, inputs);
            // In inference the wrapper is its layer, on the kernel the last training step left.
            case Graft.Layers.Normalization.SpectralNormalization s: return EmitLayer(s.Layer, inputs, training);
        }
        if (inputs.Count != 1) throw new ArgumentException($"{Describe(layer)}: expected one input, got {inputs.Count}.");
        var x = inputs[0];
        var y = EmitSingle(layer, x);
        if (y.Mask is not null || x.Mask is null || layer is Embedding or Masking or GlobalAveragePooling1D) return [y];
        if (!layer.SupportsMasking)
            throw new NotSupportedException($"{Describe(layer)}: expected an input without a sequence mask, got a masked input (from Embedding(maskZero: true) or Masking upstream); this layer does not support masking.");
        return [y with { Mask = x.Mask }];
    }

    /// <summary>A layer of one input and one output.</summary>
    private Value EmitSingle(Layer layer, Value x)
    {
        var shape = layer.ComputeOutputShape(x.Shape);
        string? name = EmitCore(layer, x) ?? EmitConvolutional(layer, x) ?? EmitNormalization(layer, x) ?? EmitReshaping(layer, x, shape) ?? EmitPreprocessing(layer, x) ?? EmitImported(layer, x);
        if (name is not null) return new Value(name, shape);
        if (layer is Embedding or Masking or GlobalAveragePooling1D) return EmitMasked(layer, x, shape);
        throw Unsupported(layer);
    }

    internal static NotSupportedException Unsupported(Layer layer, string? why = null) =>
        new($"{Describe(layer)}: expected a layer ONNX export knows, got class {layer.GetType().FullName}{(why is null ? "" : $" ({why})")}; it cannot be exported to ONNX.");

    internal static string Describe(Layer layer) => $"{layer.ClassName} '{layer.Name}'";

    // ---- Small helpers over the graph, named after the ONNX operators they add. ----

    private string Transpose(string x, string hint, params int[] perm) => G.Op("Transpose", hint, [x], ("perm", perm));

    private string ReshapeTo(string x, string hint, params long[] shape) => G.Op("Reshape", hint, [x, G.Ints($"{hint}/shape", shape)]);

    private string Unsqueeze(string x, string hint, params long[] axes) => G.Op("Unsqueeze", hint, [x, G.Ints($"{hint}/axes", axes)]);

    private string Squeeze(string x, string hint, params long[] axes) => G.Op("Squeeze", hint, [x, G.Ints($"{hint}/axes", axes)]);

    private string Binary(string op, string a, string b, string hint) => G.Op(op, hint, [a, b]);

    /// <summary>The order of <paramref name="x"/>'s <paramref name="axis"/> reversed (a negative-step Slice).</summary>
    private string Reverse(string x, string hint, int axis) =>
        G.Op("Slice", hint, [x, G.Ints($"{hint}/starts", [-1]), G.Ints($"{hint}/ends", [long.MinValue]), G.Ints($"{hint}/axes", [axis]), G.Ints($"{hint}/steps", [-1])]);

    /// <summary>Dimensions <paramref name="start"/> to <paramref name="end"/> (exclusive, null for the rest) of <paramref name="x"/>'s runtime shape.</summary>
    private string ShapeOf(string x, string hint, int start, int? end = null) =>
        end is { } e ? G.Op("Shape", hint, [x], ("start", start), ("end", e)) : G.Op("Shape", hint, [x], ("start", start));

    /// <summary>A weight of <paramref name="layer"/> by its Keras name (<c>kernel</c>, <c>bias</c>, …), as host values.</summary>
    /// A recurrent layer may compute with a cell's weights (an RNN's): those count as its own here.
    private static Variable? Weight(Layer layer, string name) =>
        (layer as RecurrentBase)?.RecurrentWeight(name) ?? layer.Weights.FirstOrDefault(w => w.Owner == layer && w.Name == name);

    private static Variable Required(Layer layer, string name) =>
        Weight(layer, name) ?? throw new InvalidOperationException($"{Describe(layer)}: expected a built layer with weight '{name}', got none. Build the model before exporting it.");

    // A layer shared by several calls writes each weight once.
    private readonly Dictionary<(Variable, string), string> _initializers = new();

    /// <summary>A weight as an initializer, optionally reshaped (same element order).</summary>
    private string Initializer(Layer layer, Variable w, int[]? dims = null)
    {
        dims ??= w.Shape.ToArray();
        var key = (w, string.Join(",", dims));
        if (!_initializers.TryGetValue(key, out var name))
            _initializers[key] = name = G.Floats($"{layer.Name}/{w.Name}", w.Value.ToArray(), dims);
        return name;
    }

    /// <summary><paramref name="data"/> of shape <paramref name="dims"/> with its axes reordered by <paramref name="perm"/> (numpy's transpose).</summary>
    internal static float[] PermuteHost(float[] data, int[] dims, int[] perm)
    {
        int rank = dims.Length;
        var outDims = perm.Select(p => dims[p]).ToArray();
        var inStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= dims[i], i--) inStrides[i] = s;
        var result = new float[data.Length];
        var index = new int[rank];
        for (int o = 0; o < result.Length; o++)
        {
            int src = 0;
            for (int k = 0; k < rank; k++) src += index[k] * inStrides[perm[k]];
            result[o] = data[src];
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++index[k] < outDims[k]) break;
                index[k] = 0;
            }
        }
        return result;
    }
}
