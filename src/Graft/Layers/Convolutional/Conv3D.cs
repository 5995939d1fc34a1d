using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// 3-D convolution (Keras's <c>layers.Conv3D</c>): input (N, D, H, W, C) (or (N, C, D, H, W) with
/// channels_first), kernel (kd, kh, kw, C / groups, filters), bias (filters).
/// </summary>
public sealed class Conv3D : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window: one value for every axis, or three (<c>3</c>, <c>[3, 2, 2]</c>).</param>
    /// <param name="strides">Step; default 1.</param>
    /// <param name="padding">"valid" or "same" (TensorFlow's asymmetric same padding).</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="dilationRate">Dilation; default 1.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="activation">Keras identifier; null is linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="kernelConstraint">Kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="inputShape">Shape of one sample; builds at once.</param>
    /// <param name="name">Layer name.</param>
    public Conv3D(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last",
        IntTuple? dilationRate = null, int groups = 1, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(3, filters, kernelSize, strides, padding, dataFormat, dilationRate, groups, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, kernelConstraint, biasConstraint, inputShape, name)
    {
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>The (kd, kh, kw, C / groups, filters) kernel.</summary>
    public Variable? Kernel => _kernel;
    /// <summary>The bias, or null.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        if (c % Groups != 0 || Filters % Groups != 0)
            throw new ArgumentException($"{Describe()}: expected input channels ({c}) and filters ({Filters}) divisible by groups ({Groups}).");
        _kernel = AddWeight("kernel", [KernelSize[0], KernelSize[1], KernelSize[2], c / Groups, Filters], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        var y = Ops.Conv3D(ToChannelsLast(x), _kernel!.Value, (Strides[0], Strides[1], Strides[2]), Padding, (DilationRate[0], DilationRate[1], DilationRate[2]), Groups);
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 5);
        return ChannelsFirst
            ? [s[0], Filters, OutLength(s[2], 0), OutLength(s[3], 1), OutLength(s[4], 2)]
            : [s[0], OutLength(s[1], 0), OutLength(s[2], 1), OutLength(s[3], 2), Filters];
    }
}
