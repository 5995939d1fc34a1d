using System.Text.Json.Nodes;
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

    /// <param name="kernelSize">Window.</param>
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
    public DepthwiseConv2D(int[] kernelSize, int[]? strides = null, string padding = "valid", int depthMultiplier = 1, string dataFormat = "channels_last",
        int[]? dilationRate = null, string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(2, -1, kernelSize, strides ?? [1], padding, dataFormat, dilationRate ?? [1], 1, activation, useBias,
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
        _kernel = AddWeight("depthwise_kernel", [KernelSize[0], KernelSize[1], c, DepthMultiplier], KernelInitializer, regularizer: KernelRegularizer, constraint: KernelConstraint);
        if (UseBias) _bias = AddWeight("bias", [c * DepthMultiplier], BiasInitializer, regularizer: BiasRegularizer, constraint: BiasConstraint);
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

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("groups");
        c["depth_multiplier"] = DepthMultiplier;
        c["depthwise_initializer"] = c["kernel_initializer"]!.DeepClone(); c.Remove("kernel_initializer");
        c["depthwise_regularizer"] = c["kernel_regularizer"]?.DeepClone(); c.Remove("kernel_regularizer");
        c["depthwise_constraint"] = c["kernel_constraint"]?.DeepClone(); c.Remove("kernel_constraint");
        return c;
    }
}
