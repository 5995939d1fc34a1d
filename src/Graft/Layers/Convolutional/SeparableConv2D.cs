using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Depthwise then pointwise convolution (Keras's <c>layers.SeparableConv2D</c>): depthwise_kernel
/// (kh, kw, C, multiplier), pointwise_kernel (1, 1, C·multiplier, filters), bias (filters).
/// </summary>
public sealed class SeparableConv2D : ConvBase
{
    private Variable? _depthwise, _pointwise, _bias;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window: one value for both axes, or two (<c>3</c>, <c>[3, 2]</c>).</param>
    /// <param name="strides">Step.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Depthwise filters per input channel.</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="dilationRate">Dilation.</param>
    /// <param name="activation">Keras identifier.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default glorot_uniform.</param>
    /// <param name="pointwiseInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Depthwise penalty.</param>
    /// <param name="pointwiseRegularizer">Pointwise penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public SeparableConv2D(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", int depthMultiplier = 1,
        string dataFormat = "channels_last", IntTuple? dilationRate = null, string? activation = null, bool useBias = true,
        [KerasConfig(Property = nameof(KernelInitializer))] Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        [KerasConfig(Property = nameof(KernelRegularizer))] Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(2, filters, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer, null, null, inputShape, name)
    {
        DepthMultiplier = depthMultiplier > 0 ? depthMultiplier : throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"SeparableConv2D: expected depth_multiplier >= 1, got {depthMultiplier}.");
        _pointwiseOptions = new(pointwiseInitializer ?? new GlorotUniform(), pointwiseRegularizer);
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Depthwise filters per input channel.</summary>
    public int DepthMultiplier { get; }
    /// <summary>Pointwise kernel initializer.</summary>
    public Initializer PointwiseInitializer => _pointwiseOptions.Initializer;
    /// <summary>Pointwise kernel penalty.</summary>
    public Regularizer? PointwiseRegularizer => _pointwiseOptions.Regularizer;

    private readonly WeightOptions _pointwiseOptions;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _depthwise = AddWeight("depthwise_kernel", [KernelSize[0], KernelSize[1], c, DepthMultiplier], KernelOptions);
        _pointwise = AddWeight("pointwise_kernel", [1, 1, c * DepthMultiplier, Filters], _pointwiseOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var d = Ops.DepthwiseConv2D(ToChannelsLast(x), _depthwise!.Value, (Strides[0], Strides[1]), Padding, (DilationRate[0], DilationRate[1]));
        return FromChannelsLast(Finish(Ops.Conv2D(d, _pointwise!.Value), _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s) => ChannelsFirst
        ? [s[0], Filters, OutLength(s[2], 0), OutLength(s[3], 1)]
        : [s[0], OutLength(s[1], 0), OutLength(s[2], 1), Filters];
}
