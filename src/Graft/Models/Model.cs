using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A network of layers that trains as a whole (Keras's <c>keras.Model</c>): built from symbolic
/// inputs and outputs (the functional API, <c>new Model(inputs, outputs)</c>) or as a
/// <see cref="Sequential"/>. It owns weights, cloning, summaries, saving and the training API
/// (<c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <see cref="Predict(Tensor, int, int, IEnumerable{Training.Callbacks.Callback})"/>).
/// A model is itself a layer, so it can be nested in another model.
/// </summary>
public partial class Model : Layer
{
    private readonly FunctionalGraph? _graph;

    /// <summary>For subclasses such as <see cref="Sequential"/>.</summary>
    protected Model(string? name = null) : base(name) { }

    /// <summary>A functional model from one input to one output (Keras's <c>keras.Model(inputs, outputs)</c>).</summary>
    public Model(SymbolicTensor inputs, SymbolicTensor outputs, string? name = null) : this([inputs], [outputs], name) { }

    /// <summary>A functional model with several inputs and/or outputs.</summary>
    /// <exception cref="ArgumentException">The outputs do not depend only on the given inputs, or the graph has a cycle.</exception>
    public Model(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, string? name = null)
        : base(name ?? LayerNames.Unique("functional"))
    {
        _graph = new FunctionalGraph(inputs, outputs, $"Model '{Name}'");
        base.Build(_graph.Inputs[0].Shape);
    }

    /// <inheritdoc/>
    public override string ClassName => _graph is null ? base.ClassName : "Functional";

    /// <summary>
    /// The layers, in Keras's order (a functional model lists its input layers too, as Keras does, and
    /// orders branches as Keras's <c>map_graph</c>: farthest from the outputs first; a Sequential leaves
    /// its input layer out).
    /// </summary>
    public virtual LayerList Layers => new(_graph?.Layers ?? []);

    /// <summary>The symbolic inputs of a functional model.</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => _graph?.Inputs ?? throw new InvalidOperationException($"{Describe()}: expected a functional model, got one without symbolic inputs.");

    /// <summary>The symbolic outputs of a functional model.</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => _graph?.Outputs ?? throw new InvalidOperationException($"{Describe()}: expected a functional model, got one without symbolic outputs.");

    /// <summary>The single symbolic input (Keras's <c>model.input</c>).</summary>
    public SymbolicTensor Input => Inputs.Count == 1 ? Inputs[0] : throw new InvalidOperationException($"{Describe()}: expected one input, got {Inputs.Count}; use Inputs.");

    /// <summary>The single symbolic output (Keras's <c>model.output</c>).</summary>
    /// <remarks>
    /// Hides <see cref="Layer.Output"/> on purpose, as Keras's functional <c>Model.output</c> does: a
    /// model's output is its graph's, not that of a call of the model as a layer in another graph.
    /// </remarks>
    public new SymbolicTensor Output => Outputs.Count == 1 ? Outputs[0] : throw new InvalidOperationException($"{Describe()}: expected one output, got {Outputs.Count}; use Outputs.");

    internal FunctionalGraph? Graph => _graph;

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => Layers;

    /// <summary>
    /// A model of the same structure with freshly initialized weights (Keras's <c>clone_model</c>);
    /// layers keep their names, as in Keras. Copy weights with <c>SetWeights(GetWeights())</c>.
    /// </summary>
    /// <remarks>
    /// Each layer is copied from its declared options (a nested model is cloned whole), then the graph
    /// is called again on the copies, node by node in the original's order, as Keras's
    /// <c>clone_model</c> does: a shared layer stays shared, fixed <c>training</c> arguments stay fixed.
    /// </remarks>
    public virtual Model Clone()
    {
        var graph = _graph ?? throw new InvalidOperationException($"{Describe()}: expected a functional model or a Sequential to clone, got a model without layers.");
        var layers = new Dictionary<Layer, Layer>(ReferenceEqualityComparer.Instance);
        foreach (var layer in graph.Layers) layers[layer] = layer.CloneLayer();
        var tensors = new Dictionary<SymbolicTensor, SymbolicTensor>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
        {
            var copy = layers[node.Layer];
            if (copy is Graft.Layers.Core.InputLayer input) { tensors[node.Output] = input.Output; continue; }
            FunctionalGraph.Record(copy, node.Inputs.Select(t => tensors[t]).ToArray(), node.Training, node.Kwargs);
            var outputs = copy.InboundNodes[^1].Outputs;
            for (int i = 0; i < node.Outputs.Length; i++) tensors[node.Outputs[i]] = outputs[i];
        }
        var clone = new Model(graph.Inputs.Select(t => tensors[t]).ToArray(), graph.Outputs.Select(t => tensors[t]).ToArray(), Name);
        // Each layer kept its own flag; only a frozen model freezes them all (the setter reaches every layer).
        if (!Trainable) clone.Trainable = false;
        return clone;
    }

    /// <inheritdoc/>
    internal override Layer CloneLayer() => Clone();

    /// <inheritdoc/>
    private protected override bool DeclaresOptions => false;

    /// <summary>Keras's <c>keras.models.clone_model(model)</c>.</summary>
    public static Model CloneModel(Model model) => model.Clone();

    /// <summary>The layer named <paramref name="name"/>.</summary>
    public Layer GetLayer(string name) => Layers[name];

    /// <summary>The input shape the model expects (batch axis null), once known.</summary>
    public int?[]? InputShape => BuiltInputShape;

    /// <summary>The output shape for the built input shape, once known.</summary>
    public int?[]? OutputShape => _graph is not null ? _graph.Outputs[0].Shape : BuiltInputShape is null ? null : ComputeOutputShape(BuiltInputShape);

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training)
    {
        var graph = _graph ?? throw new InvalidOperationException($"{Describe()}: expected layers to run, got none.");
        // One tensor back from a model with several outputs would silently be the first of them.
        if (graph.Outputs.Length > 1) throw SeveralOutputs();
        return graph.Run([inputs], training, Describe())[0];
    }

    private InvalidOperationException SeveralOutputs() => new(
        $"{Describe()}: expected a model with one output for a call on one tensor, got {_graph!.Outputs.Length} ({string.Join(", ", OutputNames)}). "
        + "Call(IReadOnlyList<Tensor>) and PredictOutputs return every output.");

    /// <summary>Runs a model with several inputs and/or outputs (one tensor per input, in order).</summary>
    public IReadOnlyList<Tensor> Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (_graph is null) return [Call(inputs.Single(), training)];
        using var call = OutermostCall.Enter(this);
        return _graph.Run(inputs, training, Describe());
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) =>
        _graph is null ? inputShape : _graph.Outputs.Length == 1 ? _graph.Outputs[0].Shape : throw SeveralOutputs();

    /// <inheritdoc/>
    public override JsonObject GetConfig() => _graph is null ? base.GetConfig() : ModelJson.Functional(this, _graph);

    /// <inheritdoc/>
    /// <remarks>A model's output carries whatever mask its last layer gave it.</remarks>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => output.Mask;
}
