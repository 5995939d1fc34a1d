using System.Text.Json.Nodes;
using Graft.Layers;

namespace Graft.Models;

/// <summary>
/// A placeholder for data flowing through a functional model (Keras's <c>KerasTensor</c>): it has
/// a shape (batch axis null) and remembers the layer call that produced it. Calling a layer on
/// symbolic tensors records the graph that <c>new Model(inputs, outputs)</c> turns into a model.
/// </summary>
public sealed class SymbolicTensor
{
    internal SymbolicTensor(int?[] shape, Node node, int index = 0) { Shape = shape; Node = node; Index = index; }

    /// <summary>Which output of the producing call this is (Keras's tensor index; 0 but for layers such as LSTM with return_state).</summary>
    internal int Index { get; }

    /// <summary>The shape, batch axis first (null when unknown).</summary>
    public int?[] Shape { get; }

    /// <summary>The layer call that produced this tensor.</summary>
    internal Node Node { get; }

    /// <summary>The producing layer.</summary>
    public Layer Layer => Node.Layer;

    /// <inheritdoc/>
    public override string ToString() => $"<SymbolicTensor shape={Layer.FormatShape(Shape)}, from {Node.Layer.Name}>";
}

/// <summary>One call of a layer in a functional graph: its inputs, its output, a training override, and the call's other arguments.</summary>
internal sealed class Node(Layer layer, SymbolicTensor[] inputs, bool? training, int index, JsonObject? kwargs = null)
{
    public Layer Layer { get; } = layer;
    public SymbolicTensor[] Inputs { get; } = inputs;
    /// <summary>The call's <c>training</c> argument when fixed (<c>base(x, training: false)</c>), else null.</summary>
    public bool? Training { get; } = training;
    /// <summary>
    /// The call's keyword arguments other than tensors and <c>training</c>, in Keras's form as a node's
    /// <c>kwargs</c> holds them (attention's <c>{"use_causal_mask": true}</c>), or null when none.
    /// </summary>
    public JsonObject? Kwargs { get; } = kwargs;
    /// <summary>Which call of the layer this is (0 for the first).</summary>
    public int Index { get; } = index;
    /// <summary>The call's outputs (one, or the output and the states of a recurrent layer with return_state).</summary>
    public SymbolicTensor[] Outputs { get; set; } = [];
    public SymbolicTensor Output { get => Outputs[0]; set => Outputs = [value]; }
}
