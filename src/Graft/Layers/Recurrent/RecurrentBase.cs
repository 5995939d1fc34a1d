using System.Text.Json.Nodes;
using Graft.Activations;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// What SimpleRNN, LSTM, GRU and the ConvLSTM layers share: an input (N, T, …) read step by step, the
/// input projection computed for all steps at once (one GEMM, or one convolution), the recurrence
/// unrolled in tensor ops (so gradients flow through time by autograd), dropout masks fixed per
/// sequence (Keras's rule), and the output: the last state (N, units) or every state (N, T, units)
/// with <see cref="RecurrentLayer.ReturnSequences"/> (for ConvLSTM each state is a feature map (N, …, filters)).
/// </summary>
public abstract class RecurrentBase : RecurrentLayer
{
    private protected Variable? KernelVar, RecurrentVar, BiasVar;
    private protected WeightOptions KernelOptions { get; }
    private protected WeightOptions RecurrentOptions { get; }
    private protected WeightOptions BiasOptions { get; }

    /// <inheritdoc/>
    /// <remarks>Keras 3 keeps a recurrent layer's weights in its cell: <c>cell/vars/0</c> (keras/src/layers/rnn/rnn.py).</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() =>
        base.KerasWeightPaths().Select(p => ($"cell/{p.Path}", p.Weight));

    private protected RecurrentBase(int units, int gates, string activation, string recurrentActivation, bool useBias,
        Initializer? kernelInitializer, Initializer? recurrentInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? recurrentRegularizer, Regularizer? biasRegularizer,
        double dropout, double recurrentDropout, bool returnSequences, bool returnState, bool goBackwards, bool stateful,
        int[]? inputShape, string? name,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null)
        : base(returnSequences, returnState, goBackwards, stateful, inputShape, name)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"{GetType().Name}: expected units > 0, got {units}.");
        if (!(dropout >= 0 && dropout < 1) || !(recurrentDropout >= 0 && recurrentDropout < 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{GetType().Name}: expected dropout and recurrent_dropout in [0, 1), got {dropout} and {recurrentDropout}.");
        Units = units; Gates = gates;
        Activation = ActivationFunction.Get(activation);
        RecurrentActivation = ActivationFunction.Get(recurrentActivation);
        UseBias = useBias;
        KernelOptions = new(kernelInitializer ?? new GlorotUniform(), kernelRegularizer, kernelConstraint);
        RecurrentOptions = new(recurrentInitializer ?? new Orthogonal(), recurrentRegularizer, recurrentConstraint);
        // The bias starts at zeros here and takes its initial value in Build (LSTM's unit_forget_bias sets part of it).
        BiasOptions = new(new Zeros(), biasRegularizer, biasConstraint);
        BiasInitializer = biasInitializer ?? new Zeros();
        Dropout = (float)dropout; RecurrentDropout = (float)recurrentDropout;
    }

    /// <summary>State size.</summary>
    public int Units { get; }
    private protected int Gates { get; }
    /// <summary>Output activation (default tanh).</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Gate activation.</summary>
    public ActivationFunction RecurrentActivation { get; }
    /// <summary>Whether biases are used.</summary>
    public bool UseBias { get; }
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer => KernelOptions.Initializer;
    /// <summary>Recurrent kernel initializer (default orthogonal).</summary>
    public Initializer RecurrentInitializer => RecurrentOptions.Initializer;
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Kernel penalty.</summary>
    public Regularizer? KernelRegularizer => KernelOptions.Regularizer;
    /// <summary>Recurrent kernel penalty.</summary>
    public Regularizer? RecurrentRegularizer => RecurrentOptions.Regularizer;
    /// <summary>Bias penalty.</summary>
    public Regularizer? BiasRegularizer => BiasOptions.Regularizer;
    /// <summary>Input dropout rate (training only).</summary>
    public float Dropout { get; }
    /// <summary>State dropout rate (training only).</summary>
    public float RecurrentDropout { get; }

    // The states a stateful layer carries to its next call; null before the first call and after a reset.
    private Tensor[]? _states;

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor>? States => _states?.Select(s => s.Clone()).ToArray();

    /// <inheritdoc/>
    public override void ResetStates(IReadOnlyList<Tensor>? states = null)
    {
        if (!Stateful) throw new InvalidOperationException($"{Describe()}: expected a stateful layer (stateful=True) to reset, got stateful=False.");
        if (states is not null)
        {
            var sample = StateSampleShape ?? throw new InvalidOperationException($"{Describe()}: expected a built layer to take states, got an unbuilt one; call it (or Build it) first.");
            if (states.Count != StateCount || states.Any(s => !s.Shape.Dims.SequenceEqual([states[0].Shape[0], .. sample])))
                throw new ArgumentException($"{Describe()}: expected {StateCount} state(s) of shape (batch, {string.Join(", ", sample)}), got [{string.Join(", ", states.Select(s => s.Shape.ToString()))}].", nameof(states));
        }
        using (TensorScope.Suspend()) _states = states?.Select(s => s.Detach().Clone()).ToArray();
    }

    /// <summary>Builds the layer on weights it does not own: those of a cell (an <see cref="RNN"/> runs its cell through such a layer).</summary>
    internal void Adopt(Variable kernel, Variable recurrentKernel, Variable? bias, int?[] inputShape) => BuildOnce(() =>
    {
        KernelVar = kernel; RecurrentVar = recurrentKernel; BiasVar = bias;
        base.Build(inputShape);
    });

    /// <summary>The weights the layer computes with, owned or adopted, by Keras name (for exporters).</summary>
    internal Variable? RecurrentWeight(string name) => name switch
    {
        "kernel" => KernelVar, "recurrent_kernel" => RecurrentVar, "bias" => BiasVar, _ => null,
    };

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0 && RecurrentDropout == 0;

    /// <summary>Bias shape (GRU with reset_after keeps two rows).</summary>
    private protected virtual int[] BiasShape => [Gates * Units];

    /// <summary>The bias initial value (LSTM's unit_forget_bias sets the forget gate's to 1).</summary>
    private protected virtual Tensor InitialBias() => BiasInitializer.Call(BiasShape);

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        CreateWeights(inputShape);
        base.Build(inputShape);
    }

    /// <summary>Checks the input shape and creates the weights, in Keras's order and with its names.</summary>
    private protected virtual void CreateWeights(int?[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[2] is not int features)
            throw new ArgumentException($"{Describe()}: expected input (batch, steps, features) with known features, got {FormatShape(inputShape)}.");
        KernelVar = AddWeight("kernel", [features, Gates * Units], KernelOptions);
        RecurrentVar = AddWeight("recurrent_kernel", [Units, Gates * Units], RecurrentOptions);
        if (UseBias) BiasVar = AddWeight("bias", BiasShape, BiasOptions);
        if (BiasVar is not null) using (TensorScope.Suspend()) BiasVar.Value.Assign(InitialBias());
    }

    /// <summary>One step: the new state(s) from the projected input and the previous state(s).</summary>
    private protected abstract Tensor[] Step(Tensor xProjected, Tensor[] state, Tensor? recurrentMask);

    /// <summary>The input-side bias added in the all-steps projection.</summary>
    private protected virtual Tensor? InputBias => BiasVar?.Value;

    /// <inheritdoc/>
    internal override int StateCount => 1;

    internal override int?[][] StateShapes(int?[] s) => Enumerable.Range(0, StateCount).Select(_ => StateShape(s)).ToArray();

    /// <summary>The shape of each state, batch first, for input of shape <paramref name="s"/>.</summary>
    internal int?[] StateShape(int?[] s) => [s[0], .. StepShape(s)];

    /// <summary>One step's output and state, without the batch axis, for input of shape <paramref name="s"/>: (units).</summary>
    private protected virtual int?[] StepShape(int?[] s) => [Units];

    /// <summary>One state without the batch axis, as built: (units); null while a layer whose states depend on its input is unbuilt.</summary>
    private protected virtual int[]? StateSampleShape => [Units];

    /// <summary>Checks one call's input against the built layer.</summary>
    private protected virtual void CheckInput(Tensor x)
    {
        if (x.Rank != 3 || x.Shape[2] != KernelVar!.Shape[0])
            throw new ArgumentException($"{Describe()}: expected input (batch, steps, {KernelVar!.Shape[0]}), got shape {x.Shape}.");
    }

    /// <summary>The input projection of every step, (N, T, gates·units), with input dropout in training.</summary>
    private protected virtual Tensor ProjectInputs(Tensor x, bool training)
    {
        if (training && Dropout > 0)
            x = Ops.Dropout(x, Dropout, Ops.DropoutMask([x.Shape[0], 1, x.Shape[2]], Dropout));
        return Ops.MatMulAdd(x, KernelVar!.Value, InputBias);
    }

    /// <summary>The recurrent dropout mask of a sequence, already scaled by 1 / (1 − rate): (N, units).</summary>
    private protected virtual Tensor RecurrentDropoutMask(int n) =>
        Ops.Multiply(Ops.DropoutMask([n, Units], RecurrentDropout), 1f / (1f - RecurrentDropout));

    private protected override Tensor[] Run(Tensor x, Tensor[]? initialState, bool training)
    {
        CheckInput(x);
        int n = x.Shape[0], steps = x.Shape[1];
        var stepMask = x.Mask;
        if (stepMask is not null && (stepMask.Rank != 2 || stepMask.Shape[0] != n || stepMask.Shape[1] != steps))
            throw new ArgumentException($"{Describe()}: expected a sequence mask ({n}, {steps}), got {stepMask.Shape}.");
        var projected = ProjectInputs(x, training);      // (N, T, …, gates·units)
        Tensor? recMask = training && RecurrentDropout > 0 ? RecurrentDropoutMask(n) : null;
        int[] stateShape = [n, .. StateSampleShape!];
        if (initialState is not null && (initialState.Length != StateCount || initialState.Any(s => !s.Shape.Dims.SequenceEqual(stateShape))))
            throw new ArgumentException($"{Describe()}: expected initial_state as {StateCount} tensor(s) of shape ({string.Join(", ", stateShape)}), got [{string.Join(", ", initialState.Select(s => s.Shape.ToString()))}].");
        if (Stateful && !StateProbe.Active && initialState is null && _states is { } kept)
        {
            if (kept[0].Shape[0] != n)
                throw new ArgumentException($"{Describe()}: expected a batch of {kept[0].Shape[0]} sequences, as in the previous call (stateful=True carries each sample's states to the same sample of the next batch), got {n}. Call ResetStates() to start over with another batch size.");
            initialState = kept;
        }
        // The fused kernel starts from zeros and keeps its states to itself.
        if (initialState is null && !ReturnState && !Stateful && FusedSequence(projected, recMask, stepMask) is { } fused) return [fused];
        var state = initialState ?? Enumerable.Range(0, StateCount).Select(_ => Tensor.Zeros(stateShape)).ToArray();
        var outputs = new List<Tensor>(ReturnSequences ? steps : 0);
        int[] stepDims = [n, .. projected.Shape.Dims[2..]], sliceSizes = [n, 1, .. projected.Shape.Dims[2..]];
        int[] ones = Enumerable.Repeat(1, projected.Rank).ToArray(), keepShape = [n, .. Enumerable.Repeat(1, stateShape.Length - 1)];
        for (int s = 0; s < steps; s++)
        {
            int t = GoBackwards ? steps - 1 - s : s;
            var starts = new int[projected.Rank];
            starts[1] = t;
            var xt = Ops.Reshape(Ops.Slice(projected, starts, sliceSizes, ones), stepDims);
            var next = Step(xt, state, recMask);
            if (stepMask is not null)
            {
                // A padding step leaves the state as it was (and repeats the last output), as in Keras.
                var keep = Ops.Reshape(Ops.Slice(stepMask, [0, t], [n, 1], [1, 1]), keepShape);
                var skip = Ops.Subtract(Tensor.Scalar(1f), keep);
                next = next.Select((s1, i) => Ops.Add(Ops.Multiply(s1, keep), Ops.Multiply(state[i], skip))).ToArray();
            }
            state = next;
            if (ReturnSequences) outputs.Add(state[0]);
        }
        // Kept outside any scope the call runs in: the states outlive the batch.
        if (Stateful && !StateProbe.Active) using (TensorScope.Suspend()) _states = state.Select(s => s.Detach().Clone()).ToArray();
        return [ReturnSequences ? Ops.Stack(outputs, 1) : state[0], .. state];
    }

    /// <summary>The whole recurrence as one fused op, where the layer has one for its configuration; else null (unrolled in ops).</summary>
    private protected virtual Tensor? FusedSequence(Tensor projected, Tensor? recurrentMask, Tensor? stepMask) => null;

    /// <summary>Channels <c>k·units … (k+1)·units</c> of the last axis of a (N, …, gates·units) tensor: one gate's part.</summary>
    private protected Tensor Gate(Tensor z, int k)
    {
        var starts = new int[z.Rank];
        starts[^1] = k * Units;
        var sizes = z.Shape.Dims.ToArray();
        sizes[^1] = Units;
        return Ops.Slice(z, starts, sizes, Enumerable.Repeat(1, z.Rank).ToArray());
    }

    /// <summary>h · U, with the recurrent dropout mask applied to h.</summary>
    private protected Tensor Recurrent(Tensor h, Tensor? mask, Tensor? bias = null)
    {
        var hm = mask is null ? h : Ops.Multiply(h, mask);
        return bias is null ? Ops.MatMul(hm, RecurrentVar!.Value) : Ops.MatMulAdd(hm, RecurrentVar!.Value, bias);
    }

    internal override int?[] OutputShape(int?[] s)
    {
        CheckInputRank(s);
        return ReturnSequences ? [s[0], s[1], .. StepShape(s)] : [s[0], .. StepShape(s)];
    }

    /// <summary>Checks the rank of an input shape: (batch, steps, features).</summary>
    private protected virtual void CheckInputRank(int?[] s) => ShapeRules.Rank(this, s, 3, " (batch, steps, features)");

    /// <inheritdoc/>
    /// <remarks>Keras also writes <c>unroll</c>: Graft runs the loop either way.</remarks>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["unroll"] = false;
        return c;
    }
}
