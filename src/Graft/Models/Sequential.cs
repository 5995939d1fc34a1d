using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A plain stack of layers, each feeding the next (Keras's <c>keras.Sequential</c>). With an
/// <see cref="InputLayer"/> first (or a first layer given <c>inputShape</c>) it builds at once;
/// otherwise it builds on its first call, from the data's shape.
/// </summary>
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = [];
    private InputLayer? _input;

    /// <param name="layers">Layers in order; they are shared, not copied.</param>
    /// <param name="name">Model name; defaults to <c>sequential</c>, <c>sequential_1</c>, …</param>
    public Sequential(IEnumerable<Layer>? layers = null, string? name = null) : base(name)
    {
        if (layers is not null) foreach (var l in layers) Add(l);
    }

    /// <inheritdoc/>
    public override LayerList Layers => new(_layers);

    /// <summary>A throwaway model over existing layers (shared, not copied), for running part of a model.</summary>
    internal static Sequential Stack(InputLayer? input, IEnumerable<Layer> layers)
    {
        var s = new Sequential(name: "part") { _input = input };
        foreach (var l in layers) s._layers.Add(l);
        return s;
    }

    /// <summary>The input layer, when the model declares its input shape.</summary>
    public InputLayer? InputLayer => _input;

    /// <summary>Appends a layer (Keras's <c>model.add</c>); the model is rebuilt on its next use if needed.</summary>
    /// <exception cref="ArgumentException">The layer is already in this model, or an InputLayer comes after other layers.</exception>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer input)
        {
            if (_layers.Count > 0 || _input is not null)
                throw new ArgumentException($"Sequential '{Name}'.Add: expected an InputLayer only as the first layer, got {input.Describe()} after {_layers.Count} layer(s).");
            _input = input;
            Build([null, .. input.Shape.Select(d => (int?)d)]);
            return;
        }
        if (_layers.Contains(layer))
            throw new ArgumentException($"Sequential '{Name}'.Add: expected a layer not yet in the model, got {layer.Describe()} a second time.");
        _layers.Add(layer);
        _fusion = null;
        if (_layers.Count == 1 && _input is null && layer.DeclaredInputShape is { } declared)
            Build([null, .. declared.Select(d => (int?)d)]);
        else if (_layers.Count == 1 && _input is null && layer.Built && layer.BuiltInputShape is { } shape)
            Build(shape);   // a built first layer (a nested base) fixes the input shape
        else if (Built) Build(BuiltInputShape!);
    }

    /// <summary>Removes and returns the last layer (Keras's <c>model.pop()</c>).</summary>
    /// <exception cref="InvalidOperationException">The model has no layers.</exception>
    public Layer Pop()
    {
        if (_layers.Count == 0) throw new InvalidOperationException($"Sequential '{Name}'.Pop: expected at least one layer, got none.");
        var last = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        _fusion = null;
        return last;
    }

    /// <summary>Builds every layer in turn for <paramref name="inputShape"/>, checking that each fits the last.</summary>
    public override void Build(int?[] inputShape)
    {
        var shape = inputShape;
        foreach (var layer in _layers)
        {
            if (!layer.Built) layer.EnsureBuilt(shape);
            else if (layer.BuiltInputShape is { } had && !Compatible(had, shape))
                throw new ArgumentException($"Sequential '{Name}': expected input of shape {FormatShape(had)} for the already built {layer.Describe()}, got {FormatShape(shape)} from the layer before it.");
            shape = layer.ComputeOutputShape(shape);
        }
        base.Build(inputShape);
    }

    private static bool Compatible(int?[] a, int?[] b) =>
        a.Length == b.Length && a.Zip(b).Skip(1).All(p => p.First is null || p.Second is null || p.First == p.Second);

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training)
    {
        if (_input is not null) inputs = _input.Call(inputs, training);
        var chains = _fusion ??= FusionPlan.ForStack(_layers);
        long start = TensorStorage.NextSequence;
        Layer? producer = null;   // the layer that made `inputs`, when one of the stack did
        for (int i = 0; i < _layers.Count;)
        {
            if (chains[i] is { } chain && chain.TryRun(inputs, training) is { } y)
            {
                inputs = y;
                i += chain.Length;
                producer = null;
                continue;
            }
            var layer = _layers[i++];
            // In training, a BatchNormalization and the relu after it run as one op (see NormRelu).
            var pair = i < _layers.Count ? NormRelu.TryRun(layer, _layers[i], inputs, training) : null;
            var next = pair ?? layer.Call(inputs, training);
            // Only the next layer reads a layer's output in a stack (see DeadValues).
            if (producer is not null && DeadValues.Releasable(producer, [layer])) DeadValues.Release(inputs, start, [next]);
            // After a pair, the relu stands as the maker of the output, as when the two run one by one.
            (producer, inputs) = (pair is null ? layer : _layers[i++], next);
        }
        return inputs;
    }

    // Where inference may run several layers as one (see FusionPlan); found again after Add or Pop.
    private FusedChain?[]? _fusion;

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        var s = inputShape;
        foreach (var layer in _layers) s = layer.ComputeOutputShape(s);
        return s;
    }

    /// <inheritdoc/>
    public override Model Clone()
    {
        var layers = new List<Layer>();
        if (_input is not null) layers.Add(new InputLayer(_input.Shape, _input.Name));
        foreach (var l in _layers) layers.Add(l.CloneLayer());
        var clone = new Sequential(layers, Name);
        // Each copy keeps its own flag, as in Keras's clone_model; setting
        // Trainable = true here would unfreeze every layer, since the setter reaches all sublayers.
        if (!Trainable) clone.Trainable = false;
        if (Built && !clone.Built) clone.Build(BuiltInputShape!);
        return clone;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Keras 3's form: a built model lists an <see cref="Graft.Layers.Core.InputLayer"/> first with the input's
    /// <c>batch_shape</c> (the one it was built for, when it was given none), and each layer carries
    /// the <c>build_config</c> it was built with, so that loading builds it before weights are set.
    /// </remarks>
    public override JsonObject GetConfig()
    {
        var layers = new JsonArray();
        if (_input is not null) layers.Add(ModelJson.Layer(_input));
        else if (Built && _layers.Count > 0)
            layers.Add(ModelJson.InputLayerEntry(BuiltInputShape!, $"{_layers[0].Name}_input"));
        foreach (var l in _layers)
        {
            var entry = ModelJson.LayerWithBuild(l);
            // The input layer holds the shape; Keras 3 rejects batch_input_shape on other layers.
            if (layers.Count > 0 && entry["config"] is JsonObject c) c.Remove("batch_input_shape");
            layers.Add(entry);
        }
        var config = new JsonObject { ["name"] = Name, ["trainable"] = Trainable, ["dtype"] = "float32", ["layers"] = layers };
        if (Built) config["build_input_shape"] = ModelJson.Shape(BuiltInputShape!);
        return config;
    }
}
