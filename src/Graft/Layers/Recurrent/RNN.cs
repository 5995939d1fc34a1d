using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// Runs a cell over a sequence (Keras's <c>layers.RNN</c>): input (batch, steps, features), output the
/// last step's (batch, output size), or every step's (batch, steps, output size) with
/// <see cref="ReturnSequences"/>, followed with <see cref="ReturnState"/> by the final states (call
/// <see cref="CallWithStates(Tensor, Tensor[], bool)"/>). <c>RNN(new LSTMCell(8))</c> computes what
/// <c>LSTM(8)</c> does; a <see cref="StackedRNNCells"/> runs several cells as one. A masked step keeps
/// the states and repeats the previous output (zeros with <see cref="ZeroOutputForMask"/>), as in Keras.
/// Weights: the cell's, saved under <c>cell/</c> as Keras 3 does.
/// </summary>
/// <param name="cell">The cell run at each step.</param>
/// <param name="returnSequences">Return every step's output, not only the last.</param>
/// <param name="returnState">Also return the final states.</param>
/// <param name="goBackwards">Read the sequence from its end (the sequence output is then in reading order, as in Keras).</param>
/// <param name="stateful">Carry each batch's final states into the next call (see <see cref="RecurrentBase.Stateful"/>); <see cref="ResetStates"/> starts over.</param>
/// <param name="unroll">Keras's unroll; Graft runs the steps in a loop of ops either way, so it changes nothing but the config.</param>
/// <param name="zeroOutputForMask">Give zeros, not the previous output, at masked steps of the returned sequence.</param>
/// <param name="inputShape">Shape of one sample (steps, features), for the first layer of a Sequential.</param>
/// <param name="name">Layer name.</param>
public sealed class RNN(RecurrentCell cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
    bool stateful = false, bool unroll = false, bool zeroOutputForMask = false, int[]? inputShape = null, string? name = null)
    : Layer(name, inputShape)
{
    private RecurrentBase[]? _engines;

    /// <summary>The cell run at each step.</summary>
    public RecurrentCell Cell { get; } = cell ?? throw new ArgumentNullException(nameof(cell));
    /// <summary>Return every step's output.</summary>
    public bool ReturnSequences { get; } = returnSequences;
    /// <summary>Also return the final states.</summary>
    public bool ReturnState { get; } = returnState;
    /// <summary>Read the sequence from its end.</summary>
    public bool GoBackwards { get; } = goBackwards;
    /// <summary>Carry the final states into the next call.</summary>
    public bool Stateful { get; } = stateful;
    /// <summary>Keras's unroll (kept in the config; no effect in Graft).</summary>
    public bool Unroll { get; } = unroll;
    /// <summary>Zeros at masked steps of the returned sequence.</summary>
    public bool ZeroOutputForMask { get; } = zeroOutputForMask;

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => [Cell];

    /// <inheritdoc/>
    /// <remarks>Keras 3 saves the cell under the attribute <c>cell</c> (keras/src/layers/rnn/rnn.py).</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() => KerasWeightPathsUnder("cell", Cell);

    /// <summary>The layers computing the cell over the sequence, one per cell of a stack (built with this layer).</summary>
    internal IReadOnlyList<RecurrentBase> Engines => _engines ?? throw new InvalidOperationException($"{Describe()}: expected a built layer, got an unbuilt one.");

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[2] is not int features)
            throw new ArgumentException($"{Describe()}: expected input (batch, steps, features) with known features, got {FormatShape(inputShape)}.");
        Cell.EnsureBuilt([inputShape[0], features]);
        _engines = Cell.CreateEngines(features, ReturnSequences, GoBackwards, Stateful);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (ReturnState)
            throw new InvalidOperationException($"{Describe()}: return_state=True gives the output and the final states; call CallWithStates(x) (Keras's `output, *states = layer(x)`), not Call(x).");
        return Run(x, null, training)[0];
    }

    /// <summary>
    /// Runs the layer from <paramref name="initialState"/> (Keras's <c>initial_state</c>: one (batch, size)
    /// tensor per entry of the cell's <see cref="RecurrentCell.StateSize"/>; zeros, or a stateful layer's
    /// kept states, when null) and returns the output followed, with <see cref="ReturnState"/>, by the final states.
    /// </summary>
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

    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) =>
        CallWithStates(inputs[0], inputs.Count > 1 ? inputs.Skip(1).ToArray() : null, training);

    internal override int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        var s = inputShapes[0];
        EnsureBuilt(s);
        return [OutputShape(s), .. ReturnState ? Cell.StateSize.Select(size => new int?[] { s[0], size }) : []];
    }

    private Tensor[] Run(Tensor x, Tensor[]? initialState, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input (batch, steps, features), got shape {x.Shape}.");
        var all = RecurrentCell.Run(Engines.ToArray(), x, initialState, GoBackwards, training, this);
        if (ZeroOutputForMask && ReturnSequences && x.Mask is { } mask)
        {
            // The sequence is in reading order: reversed in time when going backwards.
            var m = GoBackwards ? Ops.Gather(mask, Enumerable.Range(0, mask.Shape[1]).Reverse().ToArray(), 1) : mask;
            all[0] = Ops.Multiply(all[0], Ops.Reshape(m, m.Shape[0], m.Shape[1], 1));
        }
        return all;
    }

    /// <summary>The states a stateful layer starts its next call from, every cell's in turn; null before its first call or after a reset.</summary>
    public IReadOnlyList<Tensor>? States =>
        _engines is null || _engines.Any(e => e.States is null) ? null : _engines.SelectMany(e => e.States!).ToArray();

    /// <summary>
    /// Starts a stateful layer over (Keras's <c>reset_states()</c>): the next call begins from zeros, or
    /// from <paramref name="states"/> (one per entry of the cell's <see cref="RecurrentCell.StateSize"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is not stateful.</exception>
    /// <exception cref="ArgumentException"><paramref name="states"/> has the wrong count or shapes.</exception>
    public void ResetStates(IReadOnlyList<Tensor>? states = null)
    {
        if (!Stateful) throw new InvalidOperationException($"{Describe()}: expected a stateful layer (stateful=True) to reset, got stateful=False.");
        if (_engines is null)
        {
            if (states is not null) throw new InvalidOperationException($"{Describe()}: expected a built layer to take states, got an unbuilt one; call it (or Build it) first.");
            return;
        }
        if (states is not null && states.Count != _engines.Sum(e => e.StateCount))
            throw new ArgumentException($"{Describe()}: expected {_engines.Sum(e => e.StateCount)} state(s), one per entry of the cell's state_size, got {states.Count}.", nameof(states));
        int at = 0;
        foreach (var e in _engines)
        {
            e.ResetStates(states?.Skip(at).Take(e.StateCount).ToArray());
            at += e.StateCount;
        }
    }

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => ReturnSequences ? mask : null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">With return_state, which gives several outputs: a Sequential cannot hold the layer.</exception>
    public override int?[] ComputeOutputShape(int?[] s) => ReturnState
        ? throw new ArgumentException($"{Describe()}: expected one output, got return_state=True (the output and the final states); use the layer in a functional model (CallWithStates), not in a Sequential.")
        : OutputShape(s);

    private int?[] OutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3, " (batch, steps, features)");
        return ReturnSequences ? [s[0], s[1], Cell.OutputSize] : [s[0], Cell.OutputSize];
    }
}
