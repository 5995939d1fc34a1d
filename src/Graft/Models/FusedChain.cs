using Graft.Activations;
using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A Conv2D, DepthwiseConv2D or Dense followed by an inference-mode BatchNormalization and/or a
/// relu or selu activation, run as one convolution (or one matrix product) when nothing else reads
/// the intermediate outputs: the normalization folded into the weights (<see cref="FoldedWeights"/>)
/// and the activation applied in the product's epilogue, while each output tile is in cache.
/// </summary>
/// <remarks>
/// The chain is found from the model's structure (<see cref="FusionPlan"/>); <see cref="TryRun"/>
/// decides per call and gives null, so that the layers run one by one, whenever the fused result
/// could differ from theirs in anything but rounding: a BatchNormalization in training mode, a
/// gradient to record, a masked input, a layer not yet built, or an input the layers would reject
/// (their own calls then report it).
/// </remarks>
internal sealed class FusedChain
{
    private static readonly ActivationFunction s_linear = ActivationFunction.Get("linear");
    private static readonly ActivationFunction s_relu = ActivationFunction.Get("relu");

    private readonly ActivationFunction _activation;
    private ChainWeights? _weights;

    private FusedChain(Layer producer, BatchNormalization? norm, Layer? activationLayer, ActivationFunction? activation)
    {
        Producer = producer;
        Norm = norm;
        ActivationLayer = activationLayer;
        _activation = activation ?? s_linear;
    }

    /// <summary>The Conv2D, DepthwiseConv2D or Dense that starts the chain.</summary>
    public Layer Producer { get; }

    /// <summary>The BatchNormalization folded into the producer's weights, or null.</summary>
    public BatchNormalization? Norm { get; }

    /// <summary>The Activation or ReLU layer applied in the epilogue, or null.</summary>
    public Layer? ActivationLayer { get; }

    /// <summary>The number of layers the chain replaces (2 or 3).</summary>
    public int Length => 1 + (Norm is null ? 0 : 1) + (ActivationLayer is null ? 0 : 1);

    /// <summary>Whether <paramref name="layer"/> can start a chain: a channels-last Conv2D or DepthwiseConv2D, or a Dense, without an activation of its own.</summary>
    public static bool IsProducer(Layer layer) => layer switch
    {
        Conv2D c => c.DataFormat == "channels_last" && c.Activation.IsLinear,
        DepthwiseConv2D d => d.DataFormat == "channels_last" && d.Activation.IsLinear,
        Dense d => d.Activation.IsLinear,
        _ => false,
    };

    /// <summary>Whether <paramref name="layer"/> normalizes the last axis (the producer's output channels).</summary>
    public static bool IsNorm(Layer layer) => layer is BatchNormalization bn && (bn.Axis == -1 || (bn.BuiltInputShape is { } s && bn.Axis == s.Length - 1));

    /// <summary>The activation <paramref name="layer"/> applies when the product's epilogue can apply it (relu, selu), else null.</summary>
    public static ActivationFunction? EpilogueActivation(Layer layer) => layer switch
    {
        Activation a when a.Function.Name is "relu" or "selu" => a.Function,
        ReLU r when r.MaxValue is null && r.NegativeSlope == 0f && r.Threshold == 0f => s_relu,
        _ => null,
    };

    /// <summary>
    /// The chain that starts at <paramref name="producer"/> when <paramref name="second"/> (and
    /// <paramref name="third"/>, when given) can join it; null when nothing would be saved. The caller
    /// guarantees that each layer's output is read only by the next.
    /// </summary>
    public static FusedChain? Match(Layer producer, Layer? second, Layer? third)
    {
        if (!IsProducer(producer) || second is null) return null;
        if (IsNorm(second))
        {
            var act = third is null ? null : EpilogueActivation(third);
            return new FusedChain(producer, (BatchNormalization)second, act is null ? null : third, act);
        }
        return EpilogueActivation(second) is { } a ? new FusedChain(producer, null, second, a) : null;
    }

    /// <summary>
    /// The chain's output for <paramref name="x"/>, or null when it must run layer by layer.
    /// <paramref name="normTraining"/> is the training argument of the normalization's call.
    /// </summary>
    public Tensor? TryRun(Tensor x, bool normTraining)
    {
        if (x.Mask is not null || !Producer.Built || Norm is { Built: false } || ActivationLayer is { Built: false }) return null;
        // Keras runs a frozen BatchNormalization in inference mode whatever the call's training argument.
        if (Norm is not null && normTraining && Norm.Trainable) return null;
        var w = _weights ??= ChainWeights.Of(Producer, Norm);
        if (w is null) return null;
        if (GradMode.IsEnabled && (x.RequiresGrad || w.AnyRequiresGrad)) return null;

        var k = w.Kernel;
        int features = k.Shape[^1] * (Producer is DepthwiseConv2D ? k.Shape[^2] : 1);
        // An input the layers would reject goes to them, for their own error message.
        bool fits = Producer switch
        {
            Conv2D c => x.Rank == 4 && x.Shape[3] == k.Shape[2] * c.Groups,
            DepthwiseConv2D => x.Rank == 4 && x.Shape[3] == k.Shape[2],
            _ => x.Rank >= 2 && x.Shape[^1] == k.Shape[0],
        };
        if (!fits || (Norm is not null && (Norm.BuiltInputShape!.Length != x.Rank || w.Mean!.Shape[0] != features))) return null;
        Tensor kernel = k;
        Tensor? bias = w.Bias;
        if (Norm is not null)
        {
            var folded = FoldedWeights.For(Norm, k, w.Bias, w.Gamma, w.Beta, w.Mean!, w.Variance!, features);
            (kernel, bias) = (folded.Kernel, folded.Bias);
        }
        switch (Producer)
        {
            case Conv2D c:
                return Ops.Conv2D(x, kernel, bias, _activation, (c.Strides[0], c.Strides[1]), c.Padding, (c.DilationRate[0], c.DilationRate[1]), c.Groups);
            case DepthwiseConv2D d:
                // (KH, KW, C, M) in row-major order is the grouped kernel (KH, KW, 1, C·M), as Ops.DepthwiseConv2D uses it.
                var grouped = Ops.Reshape(kernel, kernel.Shape[0], kernel.Shape[1], 1, features);
                return Ops.Conv2D(x, grouped, bias, _activation, (d.Strides[0], d.Strides[1]), d.Padding, (d.DilationRate[0], d.DilationRate[1]), x.Shape[3]);
            default:
                return Ops.Dense(x, kernel, bias, _activation);
        }
    }

    /// <summary>The weights the chain reads, found by their Keras names once the layers are built.</summary>
    private sealed class ChainWeights
    {
        public required Tensor Kernel { get; init; }
        public Tensor? Bias { get; init; }
        public Tensor? Gamma { get; init; }
        public Tensor? Beta { get; init; }
        public Tensor? Mean { get; init; }
        public Tensor? Variance { get; init; }

        public bool AnyRequiresGrad =>
            Kernel.RequiresGrad || Bias is { RequiresGrad: true } || Gamma is { RequiresGrad: true } || Beta is { RequiresGrad: true }
            || Mean is { RequiresGrad: true } || Variance is { RequiresGrad: true };

        public static ChainWeights? Of(Layer producer, BatchNormalization? norm)
        {
            var own = producer.Weights;
            var kernel = own.FirstOrDefault(v => v.Name is "kernel" or "depthwise_kernel")?.Value;
            if (kernel is null) return null;
            Tensor? Named(Layer l, string name) => l.Weights.FirstOrDefault(v => v.Name == name)?.Value;
            var weights = new ChainWeights { Kernel = kernel, Bias = Named(producer, "bias") };
            if (norm is null) return weights;
            var (mean, variance) = (Named(norm, "moving_mean"), Named(norm, "moving_variance"));
            return mean is null || variance is null ? null
                : new ChainWeights { Kernel = kernel, Bias = weights.Bias, Gamma = Named(norm, "gamma"), Beta = Named(norm, "beta"), Mean = mean, Variance = variance };
        }
    }
}
