using Graft.Autograd;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Convolutional;

/// <summary>
/// 1-D convolution over steps (Keras's <c>layers.Conv1D</c>): input (N, L, C), kernel
/// (k, C / groups, filters); padding "valid", "same" or "causal".
/// </summary>
public sealed class Conv1D : ConvBase
{
    private Variable? _kernel, _bias;

    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window length.</param>
    /// <param name="strides">Step.</param>
    /// <param name="padding">"valid", "same" or "causal" (left padding: output t sees inputs ≤ t).</param>
    /// <param name="dataFormat">"channels_last" (default) or "channels_first".</param>
    /// <param name="dilationRate">Dilation.</param>
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
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", string dataFormat = "channels_last",
        int dilationRate = 1, int groups = 1, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(1, filters, [kernelSize], [strides], padding, dataFormat, [dilationRate], groups, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, kernelConstraint, biasConstraint, inputShape, name)
    {
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3 (batch, steps, channels), got shape {FormatShape(inputShape)}.");
        int c = Channels(inputShape);
        if (c % Groups != 0 || Filters % Groups != 0)
            throw new ArgumentException($"{Describe()}: expected input channels ({c}) and filters ({Filters}) divisible by groups ({Groups}).");
        _kernel = AddWeight("kernel", [KernelSize[0], c / Groups, Filters], KernelOptions);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: expected input of rank 3 (batch, steps, channels), got shape {x.Shape}.");
        var y = Ops.Conv1D(ToChannelsLast(x), _kernel!.Value, _bias?.Value, Activation, Strides[0], Padding, DilationRate[0], Groups);
        return FromChannelsLast(y);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s) => ChannelsFirst ? [s[0], Filters, OutLength(s[2], 0)] : [s[0], OutLength(s[1], 0), Filters];
}
