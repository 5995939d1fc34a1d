using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// Transposed 1-D convolution (Keras's <c>layers.Conv1DTranspose</c>): kernel (k, filters, C),
/// bias (filters); output length (n − 1)·s + max(k, s) for "valid", n·s for "same", or with
/// output_padding p, (n − 1)·s + k + p for "valid" and (n − 1)·s + k mod 2 + p for "same" (k dilated).
/// </summary>
public sealed class Conv1DTranspose : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window length.</param>
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
    public Conv1DTranspose(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last",
        IntTuple? dilationRate = null, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null, IntTuple? outputPadding = null)
        : base(1, filters, kernelSize, strides, padding, dataFormat, dilationRate, 1, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, kernelConstraint, biasConstraint, inputShape, name)
    {
        OutputPadding = CheckOutputPadding(outputPadding);
        if (Padding == "causal") throw new ArgumentException("Conv1DTranspose: expected padding 'valid' or 'same', got 'causal'.");
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Keras's output_padding: extra cells per spatial axis at the end of the output (each below its stride), or null for Keras's default sizes.</summary>
    public int[]? OutputPadding { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3, got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        _kernel = AddWeight("kernel", [KernelSize[0], Filters, c], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        // A sequence is a one-row image: the 2-D transposed convolution with a 1 × k kernel.
        var xl = ToChannelsLast(x);
        var kernel = _kernel!.Value;
        var x4 = Ops.Reshape(xl, xl.Shape[0], 1, xl.Shape[1], xl.Shape[2]);
        var k4 = Ops.Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        var y = Ops.Conv2DTranspose(x4, k4, (1, Strides[0]), Padding, (1, DilationRate[0]), OutputPadding is { } p ? (0, p[0]) : null);
        y = Ops.Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
        return FromChannelsLast(Finish(y, _bias));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        ShapeRules.Rank(this, s, 3);
        return ChannelsFirst ? [s[0], Filters, TransposedLength(s[2], 0, OutputPadding)] : [s[0], TransposedLength(s[1], 0, OutputPadding), Filters];
    }
}
