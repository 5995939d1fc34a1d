using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// Runs a cell over a sequence (Keras's <c>layers.RNN</c>): input (batch, steps, features), output the
/// last step's (batch, output size), or every step's (batch, steps, output size) with
/// <see cref="RecurrentLayer.ReturnSequences"/>, followed with <see cref="RecurrentLayer.ReturnState"/> by the final states (call
/// <see cref="RecurrentLayer.CallWithStates(Tensor, Tensor[], bool)"/>). <c>RNN(new LSTMCell(8))</c> computes what
/// <c>LSTM(8)</c> does; a <see cref="StackedRNNCells"/> runs several cells as one. A masked step keeps
/// the states and repeats the previous output (zeros with <see cref="ZeroOutputForMask"/>), as in Keras.
/// Weights: the cell's, saved under <c>cell/</c> as Keras 3 does.
/// </summary>
/// <param name="cell">The cell run at each step.</param>
/// <param name="returnSequences">Return every step's output, not only the last.</param>
/// <param name="returnState">Also return the final states.</param>
/// <param name="goBackwards">Read the sequence from its end (the sequence output is then in reading order, as in Keras).</param>
/// <param name="stateful">Carry each batch's final states into the next call (see <see cref="RecurrentLayer.Stateful"/>); <see cref="ResetStates"/> starts over.</param>
/// <param name="unroll">Keras's unroll; Graft runs the steps in a loop of ops either way, so it changes nothing but the config.</param>
/// <param name="zeroOutputForMask">Give zeros, not the previous output, at masked steps of the returned sequence.</param>
/// <param name="inputShape">Shape of one sample (steps, features), for the first layer of a Sequential.</param>
/// <param name="name">Layer name.</param>
public sealed class RNN(RecurrentCell cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
    bool stateful = false, bool unroll = false, bool zeroOutputForMask = false, int[]? inputShape = null, string? name = null)
    : RecurrentLayer(returnSequences, returnState, goBackwards, stateful, inputShape, name)
{
    private RecurrentBase[]? _engines;

    /// <summary>The cell run at each step.</summary>
    public RecurrentCell Cell { get; } = cell ?? throw new ArgumentNullException(nameof(cell));
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

    private protected override Tensor[] Run(Tensor x, Tensor[]? initialState, bool training)
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

    /// <inheritdoc/>
    /// <remarks>Every cell's states in turn.</remarks>
    public override IReadOnlyList<Tensor>? States =>
        _engines is null || _engines.Any(e => e.States is null) ? null : _engines.SelectMany(e => e.States!).ToArray();

    /// <inheritdoc/>
    /// <remarks><paramref name="states"/>: one per entry of the cell's <see cref="RecurrentCell.StateSize"/>.</remarks>
    public override void ResetStates(IReadOnlyList<Tensor>? states = null)
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

    internal override int StateCount => Cell.StateSize.Count;

    internal override int?[][] StateShapes(int?[] s) => Cell.StateSize.Select(size => new int?[] { s[0], size }).ToArray();

    internal override int?[] OutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3, " (batch, steps, features)");
        return ReturnSequences ? [s[0], s[1], Cell.OutputSize] : [s[0], Cell.OutputSize];
    }
}
