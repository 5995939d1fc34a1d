using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Depthwise then pointwise 1-D convolution (Keras's <c>layers.SeparableConv1D</c>):
/// depthwise_kernel (k, C, multiplier), pointwise_kernel (1, C·multiplier, filters), bias (filters).
/// Strides and dilation apply to the depthwise step.
/// </summary>
public sealed class SeparableConv1D : ConvBase
{
    private Variable? _depthwise, _pointwise, _bias;
    private readonly WeightOptions _pointwiseOptions;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window length.</param>
    /// <param name="strides">Step of the depthwise convolution.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="dilationRate">Dilation of the depthwise convolution.</param>
    /// <param name="depthMultiplier">Depthwise filters per input channel.</param>
    /// <param name="activation">Keras identifier.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default glorot_uniform.</param>
    /// <param name="pointwiseInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Depthwise kernel penalty.</param>
    /// <param name="pointwiseRegularizer">Pointwise kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="depthwiseConstraint">Depthwise kernel projection.</param>
    /// <param name="pointwiseConstraint">Pointwise kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public SeparableConv1D(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last",
        IntTuple? dilationRate = null, int depthMultiplier = 1, string? activation = null, bool useBias = true,
        [KerasConfig(Property = nameof(KernelInitializer))] Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        [KerasConfig(Property = nameof(KernelRegularizer))] Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        [KerasConfig(Property = nameof(KernelConstraint))] Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(1, filters, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer, depthwiseConstraint, biasConstraint, inputShape, name)
    {
        if (Padding == "causal") throw new ArgumentException("SeparableConv1D: expected padding 'valid' or 'same', got 'causal'.");
        DepthMultiplier = depthMultiplier > 0 ? depthMultiplier : throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"SeparableConv1D: expected depth_multiplier >= 1, got {depthMultiplier}.");
        _pointwiseOptions = new(pointwiseInitializer ?? new GlorotUniform(), pointwiseRegularizer, pointwiseConstraint);
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Depthwise filters per input channel.</summary>
    public int DepthMultiplier { get; }
    /// <summary>Pointwise kernel initializer.</summary>
    public Initializer PointwiseInitializer => _pointwiseOptions.Initializer;
    /// <summary>Pointwise kernel penalty.</summary>
    public Regularizer? PointwiseRegularizer => _pointwiseOptions.Regularizer;
    /// <summary>Pointwise kernel projection.</summary>
    public Constraint? PointwiseConstraint => _pointwiseOptions.Constraint;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _depthwise = AddWeight("depthwise_kernel", [KernelSize[0], c, DepthMultiplier], KernelOptions);
        _pointwise = AddWeight("pointwise_kernel", [1, c * DepthMultiplier, Filters], _pointwiseOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {x.Shape}.");
        // A sequence is a one-row image, as Keras's TensorFlow backend runs it: SeparableConv2D's ops with a 1 × k window.
        var xl = ToChannelsLast(x);
        var depthwise = _depthwise!.Value;
        var pointwise = _pointwise!.Value;
        var x4 = Ops.Reshape(xl, xl.Shape[0], 1, xl.Shape[1], xl.Shape[2]);
        var d = Ops.DepthwiseConv2D(x4, Ops.Reshape(depthwise, [1, .. depthwise.Shape.ToArray()]), (1, Strides[0]), Padding, (1, DilationRate[0]));
        var y = Ops.Conv2D(d, Ops.Reshape(pointwise, [1, .. pointwise.Shape.ToArray()]));
        y = Ops.Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        return ChannelsFirst ? [s[0], Filters, OutLength(s[2], 0)] : [s[0], OutLength(s[1], 0), Filters];
    }
}
