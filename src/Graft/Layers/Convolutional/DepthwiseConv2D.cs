using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Depthwise 2-D convolution (Keras's <c>layers.DepthwiseConv2D</c>): each input channel gets its
/// own <see cref="DepthMultiplier"/> filters; depthwise_kernel (kh, kw, C, multiplier), bias (C·multiplier).
/// </summary>
public sealed class DepthwiseConv2D : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="kernelSize">Window: one value for both axes, or two (<c>3</c>, <c>[3, 2]</c>).</param>
    /// <param name="strides">Step.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Filters per input channel.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="dilationRate">Dilation.</param>
    /// <param name="activation">Keras identifier.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="depthwiseConstraint">Kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public DepthwiseConv2D(IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", int depthMultiplier = 1, string dataFormat = "channels_last",
        IntTuple? dilationRate = null, string? activation = null, bool useBias = true, [KerasConfig(Property = nameof(KernelInitializer))] Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        [KerasConfig(Property = nameof(KernelRegularizer))] Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, [KerasConfig(Property = nameof(KernelConstraint))] Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(2, -1, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer, depthwiseConstraint, biasConstraint, inputShape, name)
    {
        if (depthMultiplier <= 0) throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"DepthwiseConv2D: expected depth_multiplier >= 1, got {depthMultiplier}.");
        DepthMultiplier = depthMultiplier;
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _kernel = AddWeight("depthwise_kernel", [KernelSize[0], KernelSize[1], c, DepthMultiplier], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [c * DepthMultiplier], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Ops.DepthwiseConv2D(ToChannelsLast(x), _kernel!.Value, (Strides[0], Strides[1]), Padding, (DilationRate[0], DilationRate[1]));
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        int? c = (ChannelsFirst ? s[1] : s[3]) * DepthMultiplier;
        return ChannelsFirst ? [s[0], c, OutLength(s[2], 0), OutLength(s[3], 1)] : [s[0], OutLength(s[1], 0), OutLength(s[2], 1), c];
    }
}
