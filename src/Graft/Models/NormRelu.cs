using System.Diagnostics.CodeAnalysis;
using Graft.Layers;
using Graft.Layers.Normalization;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A BatchNormalization whose output is read only by a relu, run in training as one op that
/// normalizes and clips in the same pass and takes the relu's gradient inside its own backward
/// (<see cref="BatchNormalization.TryTrainingWithRelu"/>). The values and gradients equal the two
/// layers' to the bit. In inference the pair is part of a <see cref="FusedChain"/> when a
/// convolution comes before it.
/// </summary>
internal sealed class NormRelu
{
    private NormRelu(BatchNormalization norm, Layer relu, int reluNode, SymbolicTensor output)
    {
        Norm = norm;
        ReluLayer = relu;
        ReluNode = reluNode;
        Output = output;
    }

    /// <summary>The BatchNormalization.</summary>
    public BatchNormalization Norm { get; }

    /// <summary>The Activation or ReLU layer after it.</summary>
    public Layer ReluLayer { get; }

    /// <summary>The relu's node, which the pair stands for when it runs.</summary>
    public int ReluNode { get; }

    /// <summary>The relu's output.</summary>
    public SymbolicTensor Output { get; }

    /// <summary>The pair, when <paramref name="norm"/> normalizes the last axis and <paramref name="next"/> is a plain relu; the caller guarantees that only <paramref name="next"/> reads the normalization's output.</summary>
    public static NormRelu? Match(Layer norm, Layer next, int nextNode, SymbolicTensor output) =>
        IsPair(norm, next, out var bn) ? new NormRelu(bn, next, nextNode, output) : null;

    // A BatchNormalization over the last axis followed by a plain relu.
    private static bool IsPair(Layer norm, Layer next, [NotNullWhen(true)] out BatchNormalization? bn)
    {
        bn = norm as BatchNormalization;
        return bn is not null && FusedChain.IsNorm(bn) && FusedChain.EpilogueActivation(next) is { Name: "relu" };
    }

    /// <summary>relu(BatchNormalization(x)) in training, or null when the layers must run one by one.</summary>
    public Tensor? TryRun(IReadOnlyList<Tensor> inputs, bool training) =>
        inputs.Count == 1 ? TryRun(Norm, ReluLayer, inputs[0], training) : null;

    /// <summary>
    /// relu(norm(x)) in training when <paramref name="norm"/> and <paramref name="next"/> are such a
    /// pair and only <paramref name="next"/> reads the normalization's output (a stack's next layer);
    /// null when the layers must run one by one.
    /// </summary>
    public static Tensor? TryRun(Layer norm, Layer next, Tensor x, bool training) =>
        training && IsPair(norm, next, out var bn) && next.Built && next.ActivityRegularizer is null ? bn.TryTrainingWithRelu(x, training) : null;
}
