using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// A layer that reads a sequence (N, T, …) step by step (Keras 3's <c>layers.RNN</c>, which LSTM, GRU,
/// SimpleRNN and ConvLSTM extend): <see cref="RNN"/> over a cell, and the layers of <see cref="RecurrentBase"/>.
/// Output the last step's (N, …), or every step's (N, T, …) with <see cref="ReturnSequences"/>, followed
/// with <see cref="ReturnState"/> by the final states (call <see cref="CallWithStates(Tensor, Tensor[], bool)"/>).
/// What the output is made of is the subclass's; the calling conventions, states and masks are shared here,
/// and a Bidirectional wraps any of them.
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private protected RecurrentLayer(bool returnSequences, bool returnState, bool goBackwards, bool stateful, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        ReturnSequences = returnSequences; ReturnState = returnState; GoBackwards = goBackwards; Stateful = stateful;
    }

    /// <summary>Return every step's output, not only the last.</summary>
    public bool ReturnSequences { get; }
    /// <summary>Also return the final states: call <see cref="CallWithStates(Tensor, Tensor[], bool)"/>.</summary>
    public bool ReturnState { get; }
    /// <summary>Read the sequence from its end (a returned sequence is then in reading order, as in Keras).</summary>
    public bool GoBackwards { get; }
    /// <summary>
    /// Keep the final states of each call as the initial states of the next (Keras's <c>stateful</c>):
    /// sample i of a batch continues sample i of the previous batch, so every batch must have the same
    /// size. The kept states carry no gradient into the next batch. <see cref="ResetStates"/> starts over.
    /// </summary>
    public bool Stateful { get; }

    /// <summary>
    /// The states a stateful layer will start its next call from (Keras's <c>layer.states</c>): null
    /// before its first call, after <see cref="ResetStates"/>, and for a layer that is not stateful.
    /// </summary>
    public abstract IReadOnlyList<Tensor>? States { get; }

    /// <summary>
    /// Starts a stateful layer over (Keras's <c>reset_states()</c>, <c>reset_state()</c> in Keras 3): its next
    /// call begins from zeros, or from <paramref name="states"/> when given (Keras 2's <c>reset_states(states)</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is not stateful, or states are given to an unbuilt layer.</exception>
    /// <exception cref="ArgumentException"><paramref name="states"/> has the wrong count or shapes.</exception>
    public abstract void ResetStates(IReadOnlyList<Tensor>? states = null);

    /// <summary>Number of state tensors (LSTM: h and c; a stack of cells: every cell's).</summary>
    internal abstract int StateCount { get; }

    /// <summary>The output's shape (without the states) for input of shape <paramref name="s"/>.</summary>
    internal abstract int?[] OutputShape(int?[] s);

    /// <summary>The shape of each state, batch first, for input of shape <paramref name="s"/>.</summary>
    internal abstract int?[][] StateShapes(int?[] s);

    /// <summary>The output, then every final state, from <paramref name="initialState"/> (zeros, or a stateful layer's kept states, when null).</summary>
    private protected abstract Tensor[] Run(Tensor x, Tensor[]? initialState, bool training);

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (ReturnState)
            throw new InvalidOperationException($"{Describe()}: return_state=True gives the output and the final states; call CallWithStates(x) (Keras's `output, *states = layer(x)`), not Call(x).");
        return Run(x, null, training)[0];
    }

    /// <summary>
    /// Runs the layer from <paramref name="initialState"/> (Keras's <c>initial_state</c>: h, and c for
    /// LSTM, each (batch, …); zeros, or a stateful layer's kept states, when null) and returns the output
    /// followed, with <see cref="ReturnState"/>, by the final states: Keras's <c>output, h, c = lstm(x, initial_state=[h0, c0])</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The input or the initial states do not fit the layer.</exception>
    public Tensor[] CallWithStates(Tensor x, Tensor[]? initialState = null, bool training = false)
    {
        if (!BuildDone) EnsureBuilt(BatchShape(x.Shape));
        var all = Run(x, initialState, training);
        if (x.Mask is { } mask && ReturnSequences) all[0].Mask = mask;
        return ReturnState ? all : [all[0]];
    }

    /// <summary>The functional form of <see cref="CallWithStates(Tensor, Tensor[], bool)"/>: the symbolic output and, with return_state, the states.</summary>
    public Models.SymbolicTensor[] CallWithStates(Models.SymbolicTensor x, Models.SymbolicTensor[]? initialState = null, bool? training = null)
    {
        Models.FunctionalGraph.Record(this, [x, .. initialState ?? []], training);
        return InboundNodes[^1].Outputs;
    }

    // In a graph: the sequence, then any initial states; out come the output and, with return_state, the states.
    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) =>
        CallWithStates(inputs[0], inputs.Count > 1 ? inputs.Skip(1).ToArray() : null, training);

    internal override int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        var s = inputShapes[0];
        EnsureBuilt(s);
        return [OutputShape(s), .. ReturnState ? StateShapes(s) : []];
    }

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => ReturnSequences ? mask : null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">With return_state, which gives several outputs: a Sequential cannot hold the layer.</exception>
    public override int?[] ComputeOutputShape(int?[] s) => ReturnState
        ? throw new ArgumentException($"{Describe()}: expected one output, got return_state=True (the output and the final states); use the layer in a functional model (CallWithStates), not in a Sequential.")
        : OutputShape(s);
}
