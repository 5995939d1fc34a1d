using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// What an <see cref="RNN"/> layer runs at each step (Keras's cell protocol: <c>state_size</c>,
/// <c>output_size</c> and <c>call(inputs, states)</c>): <see cref="SimpleRNNCell"/>, <see cref="LSTMCell"/>,
/// <see cref="GRUCell"/>, or a <see cref="StackedRNNCells"/> of them. A cell computes one step; the
/// RNN layer reads the sequence. Called alone on (batch, features), a cell runs one step from zero states.
/// </summary>
public abstract class RecurrentCell : Layer
{
    private RecurrentBase[]? _stepEngines;
    private readonly Lock _engineLock = new();

    /// <param name="name">Layer name.</param>
    private protected RecurrentCell(string? name) : base(name) { }

    /// <summary>The size of each state tensor (Keras's <c>state_size</c>): [units] for SimpleRNNCell and GRUCell, [units, units] (h, c) for LSTMCell, every cell's in turn for a stack.</summary>
    public abstract IReadOnlyList<int> StateSize { get; }

    /// <summary>The size of a step's output (Keras's <c>output_size</c>).</summary>
    public abstract int OutputSize { get; }

    /// <summary>
    /// One step (Keras's <c>output, new_states = cell(inputs, states)</c>): the output (batch, <see cref="OutputSize"/>)
    /// followed by the new states, from <paramref name="inputs"/> (batch, features) and the previous
    /// <paramref name="states"/> (one (batch, size) tensor per entry of <see cref="StateSize"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not (batch, features), or the states do not match <see cref="StateSize"/>.</exception>
    public Tensor[] Call(Tensor inputs, IReadOnlyList<Tensor> states, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (inputs.Rank != 2) throw new ArgumentException($"{Describe()}: expected one step's input (batch, features), got shape {inputs.Shape}.", nameof(inputs));
        if (!BuildDone) EnsureBuilt(BatchShape(inputs.Shape));
        var engines = StepEngines(inputs.Shape[1]);
        return Run(engines, Ops.Reshape(inputs, inputs.Shape[0], 1, inputs.Shape[1]), states, goBackwards: false, training, this);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training) =>
        Call(inputs, StateSize.Select(size => Tensor.Zeros(inputs.Shape[0], size)).ToArray(), training)[0];

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        ShapeRules.Rank(this, inputShape, 2, " (batch, features)");
        return [inputShape[0], OutputSize];
    }

    /// <summary>
    /// Recurrent layers that compute this cell over a sequence on its weights, one per cell of a stack,
    /// built for <paramref name="features"/> inputs: every one but the last returns its sequence, and
    /// each returns its final states. A stack's layers read forwards, and <see cref="Run"/> reverses their
    /// input for go_backwards instead.
    /// </summary>
    internal abstract RecurrentBase[] CreateEngines(int features, bool returnSequences, bool goBackwards, bool stateful);

    private RecurrentBase[] StepEngines(int features)
    {
        lock (_engineLock) return _stepEngines ??= CreateEngines(features, returnSequences: false, goBackwards: false, stateful: false);
    }

    /// <summary>
    /// Runs <paramref name="engines"/> (a cell's, see <see cref="CreateEngines"/>) over <paramref name="x"/> (N, T, F)
    /// from <paramref name="initialStates"/> (zeros or a stateful layer's kept states when null): the output,
    /// then every cell's final states in stack order, as Keras's <c>RNN(..., return_state=True)</c>.
    /// </summary>
    internal static Tensor[] Run(RecurrentBase[] engines, Tensor x, IReadOnlyList<Tensor>? initialStates, bool goBackwards, bool training, Layer subject)
    {
        int stateCount = engines.Sum(e => e.StateCount);
        if (initialStates is not null && initialStates.Count != stateCount)
            throw new ArgumentException($"{subject.Describe()}: expected initial_state as {stateCount} tensor(s), one per state of the cell, got {initialStates.Count}.");
        var sequence = x;
        if (goBackwards && !engines[0].GoBackwards)
        {
            // A stack reads the reversed sequence forwards: each cell then sees its input in reading order.
            var reverse = Enumerable.Range(0, x.Shape[1]).Reverse().ToArray();
            sequence = Ops.Gather(x, reverse, 1);
            if (x.Mask is { } mask) sequence.Mask = Ops.Gather(mask, reverse, 1);
        }
        var states = new List<Tensor>(stateCount);
        int at = 0;
        foreach (var engine in engines)
        {
            var initial = initialStates?.Skip(at).Take(engine.StateCount).ToArray();
            at += engine.StateCount;
            var outs = engine.CallWithStates(sequence, initial, training);
            sequence = outs[0];
            states.AddRange(outs[1..]);
        }
        return [sequence, .. states];
    }
}
