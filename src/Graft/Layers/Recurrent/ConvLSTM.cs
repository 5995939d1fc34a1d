using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// What ConvLSTM1D, ConvLSTM2D and ConvLSTM3D share (Keras's <c>ConvLSTM</c> base, keras/src/layers/rnn/conv_lstm.py):
/// an LSTM whose input and recurrent products are convolutions. Input (N, T, …spatial, C), channels last;
/// state h and c, each a feature map (N, …spatial′, filters), where spatial′ is the input convolution's
/// output size. Gates in Keras's order i, f, c, o: i, f, o = σ(xₜ ⊛ Wₖ + hₜ₋₁ ⊛ Uₖ + bₖ), c̃ = tanh(…),
/// cₜ = f·cₜ₋₁ + i·c̃, hₜ = o·tanh(cₜ). The input convolution takes the layer's strides, padding and
/// dilation; the recurrent one has stride 1 and "same" padding, so the state keeps its size.
/// Weights: kernel (…kernel_size, C, 4·filters), recurrent_kernel (…kernel_size, filters, 4·filters),
/// bias (4·filters), saved under <c>cell/</c> as Keras 3 does. <see cref="RecurrentBase.Units"/> equals <see cref="Filters"/>.
/// </summary>
public abstract class ConvLSTM : RecurrentBase
{
    private readonly Generator? _generator;
    // Set by Build: the input's spatial size and channels, and the state's spatial size.
    private int[]? _inputSample, _stateSpatial;

    private protected ConvLSTM(int rank, int filters, IntTuple kernelSize, IntTuple? strides, string padding, string dataFormat, IntTuple? dilationRate,
        string activation, string recurrentActivation, bool useBias,
        Initializer? kernelInitializer, Initializer? recurrentInitializer, Initializer? biasInitializer, bool unitForgetBias,
        Regularizer? kernelRegularizer, Regularizer? recurrentRegularizer, Regularizer? biasRegularizer,
        Constraint? kernelConstraint, Constraint? recurrentConstraint, Constraint? biasConstraint,
        double dropout, double recurrentDropout, long? seed, bool returnSequences, bool returnState, bool goBackwards, bool stateful,
        int[]? inputShape, string? name)
        : base(filters, 4, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer,
            kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful,
            inputShape, name, kernelConstraint, recurrentConstraint, biasConstraint)
    {
        ConvRank = rank;
        string type = GetType().Name;
        KernelSize = kernelSize.Count > 0 ? kernelSize.PerAxis(rank, 1, type, "kernel_size")
            : throw new ArgumentException($"{type}: expected kernel_size as one integer or {rank}, got none.", nameof(kernelSize));
        Strides = (strides ?? 1).PerAxis(rank, 1, type, "strides");
        DilationRate = (dilationRate ?? 1).PerAxis(rank, 1, type, "dilation_rate");
        if (KernelSize.Concat(Strides).Concat(DilationRate).Any(v => v <= 0))
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{Describe()}: expected kernel size, strides and dilation >= 1, got {Shape.Format(KernelSize)}, {Shape.Format(Strides)}, {Shape.Format(DilationRate)}.");
        // Keras rejects the pair too (keras/src/layers/rnn/conv_lstm.py, ConvLSTMCell.__init__).
        if (Strides.Max() > 1 && DilationRate.Max() > 1)
            throw new ArgumentException($"{Describe()}: expected strides = 1 or dilation_rate = 1, got strides {Shape.Format(Strides)} and dilation_rate {Shape.Format(DilationRate)}.");
        padding = (padding ?? "valid").ToLowerInvariant();
        if (padding is not ("valid" or "same"))
            throw new ArgumentException($"{Describe()}: expected padding 'valid' or 'same', got '{padding}'.", nameof(padding));
        Padding = padding;
        if (dataFormat == "channels_first")
            throw new NotSupportedException($"{Describe()}: expected data_format 'channels_last', got 'channels_first'. Graft's ConvLSTM layers read (batch, steps, …, channels); put a Permute before the layer.");
        if (dataFormat != "channels_last")
            throw new ArgumentException($"{Describe()}: expected data_format 'channels_last', got '{dataFormat}'.", nameof(dataFormat));
        DataFormat = dataFormat;
        UnitForgetBias = unitForgetBias;
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>The number of spatial axes: 1, 2 or 3.</summary>
    public int ConvRank { get; }
    /// <summary>Output channels of each gate and of the state (Keras's <c>filters</c>).</summary>
    public int Filters => Units;
    /// <summary>The convolution window, one size per spatial axis.</summary>
    public int[] KernelSize { get; }
    /// <summary>The input convolution's step per spatial axis (the recurrent one steps by 1).</summary>
    public int[] Strides { get; }
    /// <summary>The input convolution's padding, "valid" or "same" (the recurrent one pads "same").</summary>
    public string Padding { get; }
    /// <summary>"channels_last", the only layout Graft's ConvLSTM layers read.</summary>
    public string DataFormat { get; }
    /// <summary>The input convolution's dilation per spatial axis.</summary>
    public int[] DilationRate { get; }
    /// <summary>Initialize the forget gate's bias to 1 (Keras's default).</summary>
    public bool UnitForgetBias { get; }
    /// <summary>Kernel projection after each step, or null.</summary>
    public Constraint? KernelConstraint => KernelOptions.Constraint;
    /// <summary>Recurrent kernel projection after each step, or null.</summary>
    public Constraint? RecurrentConstraint => RecurrentOptions.Constraint;
    /// <summary>Bias projection after each step, or null.</summary>
    public Constraint? BiasConstraint => BiasOptions.Constraint;
    /// <summary>Seed of the dropout masks; null draws them from the current context's generator.</summary>
    public long? Seed { get; }

    internal override int StateCount => 2;

    /// <summary>The kernel (…kernel_size, C, 4·filters), or null before Build.</summary>
    public Variable? Kernel => KernelVar;
    /// <summary>The recurrent kernel (…kernel_size, filters, 4·filters), or null before Build.</summary>
    public Variable? RecurrentKernel => RecurrentVar;
    /// <summary>The bias (4·filters), or null.</summary>
    public Variable? Bias => BiasVar;

    private protected override void CheckInputRank(int?[] s) =>
        ShapeRules.Rank(this, s, ConvRank + 3, ConvRank switch { 1 => " (batch, steps, length, channels)", 2 => " (batch, steps, rows, cols, channels)", _ => " (batch, steps, depth, rows, cols, channels)" });

    private protected override int?[] StepShape(int?[] s)
    {
        CheckInputRank(s);
        return [.. Enumerable.Range(0, ConvRank).Select(a => s[2 + a] is int n ? Ops.ConvAxis(n, KernelSize[a], Strides[a], DilationRate[a], Padding, Describe()).output : (int?)null), Units];
    }

    private protected override int[]? StateSampleShape => _stateSpatial is null ? null : [.. _stateSpatial, Units];

    private protected override void CreateWeights(int?[] inputShape)
    {
        CheckInputRank(inputShape);
        // Keras builds the state's zeros from the spatial size, so it must be known (ConvLSTMCell.build).
        if (inputShape[2..].Any(d => d is null))
            throw new ArgumentException($"{Describe()}: expected known spatial sizes and channels, got input shape {FormatShape(inputShape)}.");
        var sample = inputShape[2..].Select(d => d!.Value).ToArray();
        _stateSpatial = ((int?[])StepShape(inputShape))[..^1].Select(d => d!.Value).ToArray();
        _inputSample = sample;
        int channels = sample[^1];
        KernelVar = AddWeight("kernel", [.. KernelSize, channels, 4 * Units], KernelOptions);
        RecurrentVar = AddWeight("recurrent_kernel", [.. KernelSize, Units, 4 * Units], RecurrentOptions);
        if (UseBias)
        {
            BiasVar = AddWeight("bias", [4 * Units], BiasOptions);
            using (TensorScope.Suspend()) BiasVar.Value.Assign(InitialBias());
        }
    }

    private protected override Tensor InitialBias()
    {
        var b = BiasInitializer.Call([4 * Units]);
        if (!UnitForgetBias) return b;
        var d = b.ToArray();
        for (int i = Units; i < 2 * Units; i++) d[i] = 1f;
        return Tensor.FromArray(d, 4 * Units);
    }

    private protected override void CheckInput(Tensor x)
    {
        if (x.Rank != ConvRank + 3 || !x.Shape.Dims[2..].SequenceEqual(_inputSample!))
            throw new ArgumentException($"{Describe()}: expected input (batch, steps, {string.Join(", ", _inputSample!)}), got shape {x.Shape}.");
    }

    private protected override Tensor ProjectInputs(Tensor x, bool training)
    {
        int n = x.Shape[0], steps = x.Shape[1];
        // Every step at once: the steps fold into the batch of one convolution.
        Tensor Project(Tensor input, Tensor kernel, Tensor? bias)
        {
            var y = Convolve(Ops.Reshape(input, [n * steps, .. input.Shape.Dims[2..]]), kernel, bias, Strides, Padding, DilationRate);
            return Ops.Reshape(y, [n, steps, .. y.Shape.Dims[1..]]);
        }
        if (!(training && Dropout > 0)) return Project(x, KernelVar!.Value, BiasVar?.Value);
        // Keras draws one input mask per gate (dropout_mask_count = 4), each kept for the whole sequence.
        return Ops.Concatenate(Enumerable.Range(0, 4).Select(k =>
        {
            var masked = Ops.Dropout(x, Dropout, Ops.DropoutMask([n, 1, .. x.Shape.Dims[2..]], Dropout, _generator));
            return Project(masked, GateOf(KernelVar!.Value, k), BiasVar is null ? null : GateOf(BiasVar.Value, k));
        }).ToArray(), -1);
    }

    /// <summary>The four gates' recurrent masks side by side on the last axis (N, …spatial′, 4·filters): Keras draws one per gate.</summary>
    private protected override Tensor RecurrentDropoutMask(int n) =>
        Ops.Multiply(Ops.DropoutMask([n, .. _stateSpatial!, 4 * Units], RecurrentDropout, _generator), 1f / (1f - RecurrentDropout));

    private protected override Tensor[] Step(Tensor x, Tensor[] state, Tensor? mask)
    {
        var h = state[0];
        var recurrent = mask is null
            ? RecurrentConv(h, RecurrentVar!.Value)
            : Ops.Concatenate(Enumerable.Range(0, 4).Select(k => RecurrentConv(Ops.Multiply(h, Gate(mask, k)), GateOf(RecurrentVar!.Value, k))).ToArray(), -1);
        var z = Ops.Add(x, recurrent);
        var i = RecurrentActivation.Call(Gate(z, 0));
        var f = RecurrentActivation.Call(Gate(z, 1));
        var candidate = Activation.Call(Gate(z, 2));
        var o = RecurrentActivation.Call(Gate(z, 3));
        var c = Ops.Add(Ops.Multiply(f, state[1]), Ops.Multiply(i, candidate));
        return [Ops.Multiply(o, Activation.Call(c)), c];
    }

    /// <summary>The state's convolution: stride 1, "same" padding, no dilation (Keras's <c>recurrent_conv</c>).</summary>
    private Tensor RecurrentConv(Tensor h, Tensor kernel)
    {
        var ones = Enumerable.Repeat(1, ConvRank).ToArray();
        return Convolve(h, kernel, null, ones, "same", ones);
    }

    /// <summary>Gate k's quarter of the last axis of a kernel or bias.</summary>
    private Tensor GateOf(Tensor w, int k) => Gate(w, k);

    /// <summary>A channels-last convolution of the layer's rank with an optional bias.</summary>
    private Tensor Convolve(Tensor x, Tensor kernel, Tensor? bias, int[] strides, string padding, int[] dilation) => ConvRank switch
    {
        1 => Ops.Conv1D(x, kernel, bias, null, strides[0], padding, dilation[0]),
        2 => Ops.Conv2D(x, kernel, bias, null, (strides[0], strides[1]), padding, (dilation[0], dilation[1])),
        _ => bias is null
            ? Ops.Conv3D(x, kernel, (strides[0], strides[1], strides[2]), padding, (dilation[0], dilation[1], dilation[2]))
            : Ops.Add(Ops.Conv3D(x, kernel, (strides[0], strides[1], strides[2]), padding, (dilation[0], dilation[1], dilation[2])), bias),
    };
}
