using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Transposed 3-D convolution (Keras's <c>layers.Conv3DTranspose</c>): kernel (kd, kh, kw, filters, C),
/// bias (filters); output size per axis (n − 1)·s + max(k, s) for "valid", n·s for "same", or with
/// output_padding p, (n − 1)·s + k + p for "valid" and (n − 1)·s + k mod 2 + p for "same" (k dilated).
/// </summary>
public sealed class Conv3DTranspose : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window: one value for every axis, or three.</param>
    /// <param name="strides">Step (upsampling factor).</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dataFormat">"channels_last" or "channels_first".</param>
    /// <param name="dilationRate">Dilation.</param>
    /// <param name="activation">Keras identifier.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="kernelConstraint">Kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="outputPadding">Keras's output_padding: one value for every axis or one per axis, each below its stride; null for Keras's default output size.</param>
    public Conv3DTranspose(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last",
        IntTuple? dilationRate = null, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null, IntTuple? outputPadding = null)
        : base(3, filters, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, kernelConstraint, biasConstraint, inputShape, name)
    {
        OutputPadding = CheckOutputPadding(outputPadding);
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Keras's output_padding: extra cells per spatial axis at the end of the output (each below its stride), or null for Keras's default sizes.</summary>
    public int[]? OutputPadding { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _kernel = AddWeight("kernel", [KernelSize[0], KernelSize[1], KernelSize[2], Filters, c], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Describe()}: expected input of rank 5, got shape {x.Shape}.");
        var y = Ops.Conv3DTranspose(ToChannelsLast(x), _kernel!.Value, (Strides[0], Strides[1], Strides[2]), Padding,
            (DilationRate[0], DilationRate[1], DilationRate[2]), OutputPadding is { } p ? (p[0], p[1], p[2]) : null);
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 5);
        var p = OutputPadding;
        return ChannelsFirst
            ? [s[0], Filters, TransposedLength(s[2], 0, p), TransposedLength(s[3], 1, p), TransposedLength(s[4], 2, p)]
            : [s[0], TransposedLength(s[1], 0, p), TransposedLength(s[2], 1, p), TransposedLength(s[3], 2, p), Filters];
    }
}
