using Graft.Activations;
using Graft.Config;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// What SimpleRNNCell, LSTMCell and GRUCell share: a step made of dense products, xₜ·kernel + hₜ₋₁·recurrent_kernel
/// + bias, with Keras's weights, names and order (<c>kernel</c> (features, gates·units),
/// <c>recurrent_kernel</c> (units, gates·units), <c>bias</c>). The step's math is that of the
/// matching layer (SimpleRNN, LSTM, GRU), which runs on the cell's weights.
/// </summary>
public abstract class DenseRecurrentCell : RecurrentCell
{
    private protected Variable? KernelVar, RecurrentVar, BiasVar;
    private readonly WeightOptions _kernelOptions, _recurrentOptions, _biasOptions;

    private protected DenseRecurrentCell(int units, int gates, string activation, string recurrentActivation, bool useBias,
        Initializer? kernelInitializer, Initializer? recurrentInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? recurrentRegularizer, Regularizer? biasRegularizer,
        double dropout, double recurrentDropout, string? name) : base(name)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"{GetType().Name}: expected units > 0, got {units}.");
        if (!(dropout >= 0 && dropout < 1) || !(recurrentDropout >= 0 && recurrentDropout < 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{GetType().Name}: expected dropout and recurrent_dropout in [0, 1), got {dropout} and {recurrentDropout}.");
        Units = units; Gates = gates;
        Activation = ActivationFunction.Get(activation);
        RecurrentActivation = ActivationFunction.Get(recurrentActivation);
        UseBias = useBias;
        _kernelOptions = new(kernelInitializer ?? new GlorotUniform(), kernelRegularizer);
        _recurrentOptions = new(recurrentInitializer ?? new Orthogonal(), recurrentRegularizer);
        _biasOptions = new(new Zeros(), biasRegularizer);
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
    public Initializer KernelInitializer => _kernelOptions.Initializer;
    /// <summary>Recurrent kernel initializer (default orthogonal).</summary>
    public Initializer RecurrentInitializer => _recurrentOptions.Initializer;
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Kernel penalty.</summary>
    public Regularizer? KernelRegularizer => _kernelOptions.Regularizer;
    /// <summary>Recurrent kernel penalty.</summary>
    public Regularizer? RecurrentRegularizer => _recurrentOptions.Regularizer;
    /// <summary>Bias penalty.</summary>
    public Regularizer? BiasRegularizer => _biasOptions.Regularizer;
    /// <summary>Input dropout rate (training only; one mask per sequence, as in Keras).</summary>
    public float Dropout { get; }
    /// <summary>State dropout rate (training only; one mask per sequence).</summary>
    public float RecurrentDropout { get; }

    /// <inheritdoc/>
    public override int OutputSize => Units;

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0 && RecurrentDropout == 0;

    /// <summary>Bias shape (GRUCell with reset_after keeps two rows).</summary>
    private protected virtual int[] BiasShape => [Gates * Units];

    /// <summary>The bias initial value (LSTMCell's unit_forget_bias sets the forget gate's to 1).</summary>
    private protected virtual Tensor InitialBias() => BiasInitializer.Call(BiasShape);

    /// <inheritdoc/>
    /// <remarks>The input shape is one step's, (batch, features), as Keras builds a cell.</remarks>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 2 || inputShape[1] is not int features)
            throw new ArgumentException($"{Describe()}: expected a step's input (batch, features) with known features, got {FormatShape(inputShape)}.");
        KernelVar = AddWeight("kernel", [features, Gates * Units], _kernelOptions);
        RecurrentVar = AddWeight("recurrent_kernel", [Units, Gates * Units], _recurrentOptions);
        if (UseBias) BiasVar = AddWeight("bias", BiasShape, _biasOptions);
        if (BiasVar is not null) using (TensorScope.Suspend()) BiasVar.Value.Assign(InitialBias());
        base.Build(inputShape);
    }

    /// <summary>The layer computing this cell over a sequence (SimpleRNN, LSTM, GRU), configured like the cell, unbuilt.</summary>
    private protected abstract RecurrentBase CreateLayer(bool returnSequences, bool goBackwards, bool stateful);

    internal override RecurrentBase[] CreateEngines(int features, bool returnSequences, bool goBackwards, bool stateful)
    {
        if (KernelVar is null) throw new InvalidOperationException($"{Describe()}: expected a built cell, got one without weights; build it (or call the RNN layer) first.");
        if (KernelVar.Shape[0] != features)
            throw new ArgumentException($"{Describe()}: expected inputs with {KernelVar.Shape[0]} features, as the cell was built for, got {features}.");
        var engine = CreateLayer(returnSequences, goBackwards, stateful);
        engine.Adopt(KernelVar, RecurrentVar!, BiasVar, [null, null, features]);
        return [engine];
    }
}
