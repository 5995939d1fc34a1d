using Graft.Activations;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// What the convolution layers share: filters, window, strides, padding, dilation, groups,
/// activation, bias, initializers, regularizers, constraints, and <c>data_format</c> (channels_last
/// is native; channels_first inputs are transposed in and out).
/// </summary>
public abstract class ConvBase : Layer
{
    private protected ConvBase(int rank, int filters, IntTuple kernelSize, IntTuple? strides, string padding, string dataFormat, IntTuple? dilationRate,
        int groups, string? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Constraint? kernelConstraint, Constraint? biasConstraint,
        int[]? inputShape, string? name) : base(name, inputShape)
    {
        Rank = rank;
        if (filters <= 0 && filters != -1) throw new ArgumentOutOfRangeException(nameof(filters), $"{GetType().Name}: expected filters > 0, got {filters}.");
        Filters = filters;
        KernelSize = kernelSize.Count > 0 ? kernelSize.PerAxis(rank, 1, GetType().Name, "kernel_size")
            : throw new ArgumentException($"{GetType().Name}: expected kernel_size as one integer or {rank}, got none.", nameof(kernelSize));
        Strides = (strides ?? 1).PerAxis(rank, 1, GetType().Name, "strides");
        DilationRate = (dilationRate ?? 1).PerAxis(rank, 1, GetType().Name, "dilation_rate");
        if (KernelSize.Concat(Strides).Concat(DilationRate).Any(v => v <= 0))
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{GetType().Name}: expected kernel size, strides and dilation >= 1, got {Tensors.Shape.Format(KernelSize)}, {Tensors.Shape.Format(Strides)}, {Tensors.Shape.Format(DilationRate)}.");
        padding = padding.ToLowerInvariant();
        if (padding is not ("valid" or "same" or "causal") || (padding == "causal" && rank != 1))
            throw new ArgumentException($"{GetType().Name}: expected padding 'valid' or 'same'{(rank == 1 ? " or 'causal'" : "")}, got '{padding}'.");
        Padding = padding;
        if (dataFormat is not ("channels_last" or "channels_first"))
            throw new ArgumentException($"{GetType().Name}: expected data_format 'channels_last' or 'channels_first', got '{dataFormat}'.");
        DataFormat = dataFormat;
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), $"{GetType().Name}: expected groups >= 1, got {groups}.");
        Groups = groups;
        Activation = ActivationFunction.Get(activation);
        UseBias = useBias;
        KernelOptions = new(kernelInitializer ?? new GlorotUniform(), kernelRegularizer, kernelConstraint);
        BiasOptions = new(biasInitializer ?? new Zeros(), biasRegularizer, biasConstraint);
    }

    /// <summary>Spatial rank (1 or 2).</summary>
    public int Rank { get; }
    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Window size per spatial axis.</summary>
    public int[] KernelSize { get; }
    /// <summary>Step per spatial axis.</summary>
    public int[] Strides { get; }
    /// <summary>"valid", "same" or (1-D) "causal".</summary>
    public string Padding { get; }
    /// <summary>"channels_last" or "channels_first".</summary>
    public string DataFormat { get; }
    /// <summary>Dilation per spatial axis.</summary>
    public int[] DilationRate { get; }
    /// <summary>Channel groups.</summary>
    public int Groups { get; }
    /// <summary>Activation applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer => KernelOptions.Initializer;
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer => BiasOptions.Initializer;
    /// <summary>Kernel penalty.</summary>
    public Regularizer? KernelRegularizer => KernelOptions.Regularizer;
    /// <summary>Bias penalty.</summary>
    public Regularizer? BiasRegularizer => BiasOptions.Regularizer;
    /// <summary>Kernel projection.</summary>
    public Constraint? KernelConstraint => KernelOptions.Constraint;
    /// <summary>Bias projection.</summary>
    public Constraint? BiasConstraint => BiasOptions.Constraint;

    /// <summary>The kernel's (depthwise kernel's) initializer, regularizer and constraint, for <c>AddWeight</c>.</summary>
    private protected WeightOptions KernelOptions { get; }
    /// <summary>The bias's initializer, regularizer and constraint, for <c>AddWeight</c>.</summary>
    private protected WeightOptions BiasOptions { get; }

    private protected bool ChannelsFirst => DataFormat == "channels_first";

    /// <summary>Input channels from a (possibly channels_first) shape.</summary>
    private protected int Channels(int?[] s) =>
        (ChannelsFirst ? s[1] : s[^1]) ?? throw new ArgumentException($"{Describe()}: expected a known channel dimension, got input shape {FormatShape(s)}.");

    /// <summary>Moves channels last (for channels_first data).</summary>
    private protected Tensor ToChannelsLast(Tensor x) => !ChannelsFirst ? x : Ops.Permute(x, [0, .. Enumerable.Range(2, x.Rank - 2), 1]);
    /// <summary>Moves channels back to axis 1 (for channels_first data).</summary>
    private protected Tensor FromChannelsLast(Tensor y) => !ChannelsFirst ? y : Ops.Permute(y, [0, y.Rank - 1, .. Enumerable.Range(1, y.Rank - 2)]);

    /// <summary>
    /// Keras's output_padding, one value per spatial axis, each below its stride (transposed
    /// convolutions); null when none is given.
    /// </summary>
    private protected int[]? CheckOutputPadding(IntTuple? outputPadding)
    {
        if (outputPadding is not { } given) return null;
        var p = given.PerAxis(Rank, 0, GetType().Name, "output_padding");
        for (int i = 0; i < Rank; i++)
            if (p[i] < 0 || p[i] >= Strides[i])
                throw new ArgumentException($"{GetType().Name}: expected output_padding strictly less than strides on every axis, got output_padding {Tensors.Shape.Format(p)} with strides {Tensors.Shape.Format(Strides)}.", nameof(outputPadding));
        return p;
    }

    /// <summary>Keras's output length of one spatial axis of a transposed convolution.</summary>
    private protected int? TransposedLength(int? n, int axis, int[]? outputPadding)
    {
        if (n is not int len) return null;
        try { return Ops.ConvTransposeAxis(len, KernelSize[axis], Strides[axis], DilationRate[axis], Padding, outputPadding?[axis], Describe()).Output; }
        catch (ArgumentOutOfRangeException e) { throw new ArgumentException(e.Message, e); }
    }

    /// <summary>Output length of one spatial axis.</summary>
    private protected int? OutLength(int? n, int axis)
    {
        if (n is not int len) return null;
        long eff = (KernelSize[axis] - 1L) * DilationRate[axis] + 1;
        if (Padding == "valid" && len < eff)
            throw new ArgumentException($"{Describe()}: expected spatial size >= {eff} (kernel {KernelSize[axis]}, dilation {DilationRate[axis]}) with padding 'valid', got {len}.");
        if (Padding != "valid" && eff > Ops.MaxPaddedSpan(len))
            throw new ArgumentException($"{Describe()}: expected a dilated kernel spanning at most {Ops.MaxPaddedSpan(len)} cells for size {len} with padding '{Padding}', got {eff} (kernel {KernelSize[axis]}, dilation {DilationRate[axis]}).");
        return Padding switch
        {
            "same" => (int)((len + Strides[axis] - 1L) / Strides[axis]),
            "causal" => (len - 1) / Strides[axis] + 1,
            _ => (int)((len - eff) / Strides[axis] + 1),
        };
    }

    /// <summary>Adds the bias and applies the activation.</summary>
    private protected Tensor Finish(Tensor y, Variable? bias) => Activation.Call(bias is null ? y : Ops.Add(y, bias.Value));
}
