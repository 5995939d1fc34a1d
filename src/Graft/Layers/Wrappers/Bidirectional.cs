using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers.Recurrent;
using Graft.Tensors;

namespace Graft.Layers.Wrappers;

/// <summary>
/// Runs a recurrent layer (LSTM, GRU, SimpleRNN, a ConvLSTM, or an <see cref="RNN"/> over any cell) over
/// the sequence in both directions and merges the two outputs (Keras's <c>layers.Bidirectional</c>). Without a <c>backwardLayer</c>, the backward
/// layer is a copy of the forward one's configuration with <c>go_backwards</c> flipped (fresh weights),
/// as in Keras. With <c>return_sequences</c>, the backward outputs are reversed back into time order
/// before merging. Weights: the forward layer's, then the backward layer's. With <c>return_state</c>
/// on the layer, <see cref="CallWithStates(Tensor, Tensor[], bool)"/> gives the output (both outputs
/// with merge_mode None) followed by the forward layer's final states, then the backward layer's, as in Keras.
/// </summary>
public sealed class Bidirectional : Layer
{
    private static readonly string[] MergeModes = ["concat", "sum", "mul", "ave"];

    /// <param name="layer">The forward recurrent layer.</param>
    /// <param name="mergeMode">concat (default), sum, mul or ave; null (Keras's None) keeps the two outputs apart: call <see cref="CallBothDirections(Tensor, bool)"/>.</param>
    /// <param name="backwardLayer">The backward layer; by default built from <paramref name="layer"/>'s config.</param>
    /// <param name="inputShape">Shape of one sample (steps, features), for the first layer of a Sequential.</param>
    /// <param name="name">Layer name.</param>
    public Bidirectional(RecurrentLayer layer, string? mergeMode = "concat", RecurrentLayer? backwardLayer = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (mergeMode is not null && !MergeModes.Contains(mergeMode))
            throw new NotSupportedException($"Bidirectional '{Name}': expected merge_mode among {string.Join(", ", MergeModes)} or null, got '{mergeMode}'.");
        MergeMode = mergeMode;
        ForwardLayer = Copy(layer, layer.GoBackwards, "forward_" + layer.Name);
        BackwardLayer = backwardLayer ?? Copy(layer, !layer.GoBackwards, "backward_" + layer.Name);
        if (BackwardLayer.GoBackwards == ForwardLayer.GoBackwards)
            throw new ArgumentException($"Bidirectional '{Name}': expected the backward layer to read the other way (go_backwards {!ForwardLayer.GoBackwards}), got go_backwards {BackwardLayer.GoBackwards}.");
        if (BackwardLayer.ReturnSequences != ForwardLayer.ReturnSequences)
            throw new ArgumentException($"Bidirectional '{Name}': expected both layers to agree on return_sequences, got {ForwardLayer.ReturnSequences} and {BackwardLayer.ReturnSequences}.");
        if (BackwardLayer.ReturnState != ForwardLayer.ReturnState)
            throw new ArgumentException($"Bidirectional '{Name}': expected both layers to agree on return_state, got {ForwardLayer.ReturnState} and {BackwardLayer.ReturnState}.");
    }

    /// <summary>Whether the final states follow the output (the wrapped layer's return_state, as in Keras).</summary>
    public bool ReturnState => ForwardLayer.ReturnState;

    /// <summary>The layer reading the sequence forwards.</summary>
    public RecurrentLayer ForwardLayer { get; }
    /// <summary>The layer reading the sequence backwards.</summary>
    public RecurrentLayer BackwardLayer { get; }
    /// <summary>How the two outputs are combined; null keeps them apart.</summary>
    public string? MergeMode { get; }

    /// <summary>
    /// The layer as given (Keras's config key <c>layer</c>): the forward layer's configuration under
    /// its own name, without the <c>forward_</c> prefix that a reload would add again.
    /// </summary>
    private RecurrentLayer Layer => Copy(ForwardLayer, ForwardLayer.GoBackwards, ForwardLayer.Name.StartsWith("forward_") ? ForwardLayer.Name["forward_".Length..] : ForwardLayer.Name);

    /// <summary>A fresh layer with the same configuration (no weights, no input shape), reading in the given direction.</summary>
    private static RecurrentLayer Copy(RecurrentLayer layer, bool goBackwards, string name) =>
        (RecurrentLayer)LayerConfig.Clone(layer, new() { ["name"] = name, ["goBackwards"] = goBackwards, ["inputShape"] = null });

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => [ForwardLayer, BackwardLayer];

    /// <inheritdoc/>
    /// <remarks>Keras 3 saves the two directions under the attributes <c>forward_layer</c> and <c>backward_layer</c> (keras/src/layers/rnn/bidirectional.py).</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() =>
        KerasWeightPathsUnder("forward_layer", ForwardLayer).Concat(KerasWeightPathsUnder("backward_layer", BackwardLayer));

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        ForwardLayer.EnsureBuilt(inputShape);
        BackwardLayer.EnsureBuilt(inputShape);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (ReturnState)
            throw new InvalidOperationException($"{Describe()}: return_state=True gives the output and the final states; call CallWithStates(x) (Keras's `output, *states = layer(x)`), not Call(x).");
        var (f, b, _) = Directions(x, null, training);
        return Merge(f, b);
    }

    private Tensor Merge(Tensor f, Tensor b) => MergeMode switch
    {
        "concat" => Ops.Concatenate([f, b], -1),
        "sum" => Ops.Add(f, b),
        "mul" => Ops.Multiply(f, b),
        "ave" => Ops.Multiply(Ops.Add(f, b), 0.5f),
        _ => throw new InvalidOperationException($"{Describe()}: merge_mode None gives two outputs; call CallBothDirections(x) (Keras's `forward, backward = layer(x)`), not Call(x)."),
    };

    /// <summary>
    /// Runs both directions from <paramref name="initialState"/> (Keras's <c>initial_state</c>: the forward
    /// layer's states, then the backward layer's; zeros when null) and returns the merged output (the
    /// forward and the backward outputs with merge_mode None), followed, with return_state, by the
    /// forward layer's final states and then the backward layer's.
    /// </summary>
    /// <exception cref="ArgumentException">The initial states are not one set per direction.</exception>
    public Tensor[] CallWithStates(Tensor x, Tensor[]? initialState = null, bool training = false)
    {
        if (!BuildDone) EnsureBuilt(BatchShape(x.Shape));
        var (f, b, states) = Directions(x, initialState, training);
        var mask = ForwardLayer.ReturnSequences ? x.Mask : null;
        Tensor[] outputs = MergeMode is null ? [f, b] : [Merge(f, b)];
        foreach (var o in outputs) o.Mask = mask;
        return [.. outputs, .. states];
    }

    /// <summary>The functional form of <see cref="CallWithStates(Tensor, Tensor[], bool)"/>.</summary>
    public Models.SymbolicTensor[] CallWithStates(Models.SymbolicTensor x, Models.SymbolicTensor[]? initialState = null, bool? training = null)
    {
        Models.FunctionalGraph.Record(this, [x, .. initialState ?? []], training);
        return InboundNodes[^1].Outputs;
    }

    /// <summary>The forward and the backward outputs, unmerged (for merge_mode None; works for any mode).</summary>
    public Tensor[] CallBothDirections(Tensor x, bool training = false)
    {
        if (!BuildDone) EnsureBuilt(BatchShape(x.Shape));
        var (f, b, _) = Directions(x, null, training);
        if (x.Mask is { } mask && ForwardLayer.ReturnSequences) { f.Mask = mask; b.Mask = mask; }
        return [f, b];
    }

    /// <summary>The functional form of <see cref="CallBothDirections(Tensor, bool)"/>; the layer must have merge_mode None.</summary>
    public Models.SymbolicTensor[] CallBothDirections(Models.SymbolicTensor x, bool? training = null)
    {
        if (MergeMode is not null) throw new InvalidOperationException($"{Describe()}: expected merge_mode None for two symbolic outputs, got '{MergeMode}'; call Call(x).");
        Models.FunctionalGraph.Record(this, [x], training);
        return InboundNodes[^1].Outputs;
    }

    // In a graph: the sequence, then any initial states; out come the output(s) and, with return_state, the states.
    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) =>
        MergeMode is null || ReturnState || inputs.Count > 1 ? CallWithStates(inputs[0], inputs.Skip(1).ToArray() is { Length: > 0 } s ? s : null, training) : base.CallNode(inputs, training);

    internal override int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        var s = inputShapes[0];
        EnsureBuilt(s);
        var one = ForwardLayer.OutputShape(s);
        int?[][] outputs = MergeMode switch
        {
            null => [one, (int?[])one.Clone()],
            "concat" => [[.. one[..^1], 2 * one[^1]]],
            _ => [one],
        };
        return [.. outputs, .. ReturnState ? [.. ForwardLayer.StateShapes(s), .. BackwardLayer.StateShapes(s)] : Array.Empty<int?[]>()];
    }

    private (Tensor forward, Tensor backward, Tensor[] states) Directions(Tensor x, Tensor[]? initialState, bool training)
    {
        Tensor[]? initialForward = null, initialBackward = null;
        if (initialState is not null)
        {
            int n = ForwardLayer.StateCount;
            if (initialState.Length != 2 * n)
                throw new ArgumentException($"{Describe()}: expected initial_state as {2 * n} tensors (the forward layer's {n}, then the backward layer's), got {initialState.Length}.");
            (initialForward, initialBackward) = (initialState[..n], initialState[n..]);
        }
        var fAll = ForwardLayer.CallWithStates(x, initialForward, training);
        var bAll = BackwardLayer.CallWithStates(x, initialBackward, training);
        var (f, b) = (fAll[0], bAll[0]);
        if (ForwardLayer.ReturnSequences)
        {
            // A go_backwards layer returns its states in reading order: put them back in time order.
            int steps = b.Shape[1];
            b = Ops.Gather(b, Enumerable.Range(0, steps).Reverse().ToArray(), 1);
            if (x.Mask is { } mask)
            {
                // Keras's Bidirectional zeroes the outputs of padding steps (zero_output_for_mask).
                var m = Ops.Reshape(mask, [mask.Shape[0], mask.Shape[1], .. Enumerable.Repeat(1, f.Rank - 2)]);
                (f, b) = (Ops.Multiply(f, m), Ops.Multiply(b, m));
            }
        }
        return (f, b, [.. fAll[1..], .. bAll[1..]]);
    }

    /// <summary>Whether the wrapped layers carry their states from one call to the next (the layer's stateful, as in Keras).</summary>
    public bool Stateful => ForwardLayer.Stateful;

    /// <summary>The forward layer's kept states, then the backward layer's (Keras's <c>states</c>); null until both have some.</summary>
    public IReadOnlyList<Tensor>? States =>
        ForwardLayer.States is { } f && BackwardLayer.States is { } b ? [.. f, .. b] : null;

    /// <summary>
    /// Starts both directions over (Keras's <c>reset_states()</c>): their next calls begin from zeros, or
    /// from <paramref name="states"/>, the forward layer's states followed by the backward layer's.
    /// </summary>
    /// <exception cref="InvalidOperationException">The wrapped layer is not stateful.</exception>
    /// <exception cref="ArgumentException"><paramref name="states"/> is not one set per direction.</exception>
    public void ResetStates(IReadOnlyList<Tensor>? states = null)
    {
        if (!Stateful) throw new InvalidOperationException($"{Describe()}: expected a stateful layer (stateful=True) to reset, got stateful=False.");
        int n = ForwardLayer.StateCount;
        if (states is not null && states.Count != n + BackwardLayer.StateCount)
            throw new ArgumentException($"{Describe()}: expected {n + BackwardLayer.StateCount} states (the forward layer's {n}, then the backward layer's), got {states.Count}.", nameof(states));
        ForwardLayer.ResetStates(states?.Take(n).ToArray());
        BackwardLayer.ResetStates(states?.Skip(n).ToArray());
    }

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => ForwardLayer.ReturnSequences ? mask : null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">With return_state, which gives several outputs: a Sequential cannot hold the layer.</exception>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        if (ReturnState)
            throw new ArgumentException($"{Describe()}: expected one output, got return_state=True (the output and the final states); use the layer in a functional model (CallWithStates), not in a Sequential.");
        var shape = ForwardLayer.ComputeOutputShape(s);
        if (MergeMode == "concat") shape[^1] = 2 * shape[^1]!.Value;
        return shape;
    }
}
