using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Depthwise 1-D convolution (Keras's <c>layers.DepthwiseConv1D</c>): each input channel convolved
/// with its own <c>depth_multiplier</c> filters; depthwise_kernel (k, C, multiplier), bias (C · multiplier).
/// </summary>
public sealed class DepthwiseConv1D : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="kernelSize">Window length.</param>
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
    public DepthwiseConv1D(IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", int depthMultiplier = 1, string dataFormat = "channels_last",
        IntTuple? dilationRate = null, string? activation = null, bool useBias = true, [KerasConfig(Property = nameof(KernelInitializer))] Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        [KerasConfig(Property = nameof(KernelRegularizer))] Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, [KerasConfig(Property = nameof(KernelConstraint))] Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(1, -1, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer, depthwiseConstraint, biasConstraint, inputShape, name)
    {
        if (depthMultiplier <= 0) throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"DepthwiseConv1D: expected depth_multiplier >= 1, got {depthMultiplier}.");
        if (Padding == "causal") throw new ArgumentException("DepthwiseConv1D: expected padding 'valid' or 'same', got 'causal'.");
        DepthMultiplier = depthMultiplier;
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _kernel = AddWeight("depthwise_kernel", [KernelSize[0], c, DepthMultiplier], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [c * DepthMultiplier], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        // A sequence is a one-row image: the 2-D depthwise convolution with a 1 × k kernel.
        var xl = ToChannelsLast(x);
        var kernel = _kernel!.Value;
        var x4 = Ops.Reshape(xl, xl.Shape[0], 1, xl.Shape[1], xl.Shape[2]);
        var k4 = Ops.Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        var y = Ops.DepthwiseConv2D(x4, k4, (1, Strides[0]), Padding, (1, DilationRate[0]));
        y = Ops.Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        int? c = (ChannelsFirst ? s[1] : s[2]) * DepthMultiplier;
        return ChannelsFirst ? [s[0], c, OutLength(s[2], 0)] : [s[0], OutLength(s[1], 0), c];
    }
}
