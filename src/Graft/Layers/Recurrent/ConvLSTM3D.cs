using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Layers.Recurrent;

/// <summary>
/// 3-D convolutional LSTM (Keras's <c>layers.ConvLSTM3D</c>): input (batch, steps, depth, rows, cols, channels); output the last
/// state (batch, depth′, rows′, cols′, filters), or every step's (batch, steps, depth′, rows′, cols′, filters) with return_sequences, where
/// each primed size is the input convolution's output size. See <see cref="ConvLSTM"/> for the recurrence and the weights.
/// </summary>
public sealed class ConvLSTM3D : ConvLSTM
{
    /// <param name="filters">Output channels of the state.</param>
    /// <param name="kernelSize">Window: one value for every axis, or three (<c>3</c>, <c>(3, 2, 2)</c>).</param>
    /// <param name="strides">The input convolution's step; default 1. Strides above 1 rule out dilation above 1, as in Keras.</param>
    /// <param name="padding">The input convolution's padding, "valid" (default) or "same".</param>
    /// <param name="dataFormat">"channels_last" (default); "channels_first" throws <see cref="NotSupportedException"/>.</param>
    /// <param name="dilationRate">The input convolution's dilation; default 1.</param>
    /// <param name="activation">Candidate and output activation (default tanh).</param>
    /// <param name="recurrentActivation">Gate activation (default sigmoid).</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="recurrentInitializer">Default orthogonal.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="unitForgetBias">Start the forget gate's bias at 1 (default true).</param>
    /// <param name="kernelRegularizer">Kernel penalty.</param>
    /// <param name="recurrentRegularizer">Recurrent kernel penalty.</param>
    /// <param name="biasRegularizer">Bias penalty.</param>
    /// <param name="kernelConstraint">Kernel projection.</param>
    /// <param name="recurrentConstraint">Recurrent kernel projection.</param>
    /// <param name="biasConstraint">Bias projection.</param>
    /// <param name="dropout">Input dropout rate in [0, 1) (training only; one mask per gate and sequence, as in Keras).</param>
    /// <param name="recurrentDropout">State dropout rate in [0, 1) (training only; one mask per gate and sequence).</param>
    /// <param name="seed">Seed of the dropout masks; null uses the current context's generator.</param>
    /// <param name="returnSequences">Return every step's state, not only the last.</param>
    /// <param name="returnState">Also return the final states h and c: call <see cref="RecurrentLayer.CallWithStates(Graft.Tensors.Tensor, Graft.Tensors.Tensor[], bool)"/>.</param>
    /// <param name="goBackwards">Read the sequence from its end.</param>
    /// <param name="stateful">Carry each batch's final states into the next call (see <see cref="RecurrentLayer.Stateful"/>).</param>
    /// <param name="inputShape">Shape of one sample (steps, depth, rows, cols, channels), for the first layer of a Sequential.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="NotSupportedException">data_format channels_first.</exception>
    /// <exception cref="ArgumentException">A bad kernel size, stride, dilation or padding.</exception>
    public ConvLSTM3D(int filters, IntTuple kernelSize, IntTuple? strides = null, string padding = "valid", string dataFormat = "channels_last",
        IntTuple? dilationRate = null, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, bool unitForgetBias = true,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0, double recurrentDropout = 0, long? seed = null, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool stateful = false, int[]? inputShape = null, string? name = null)
        : base(3, filters, kernelSize, strides, padding, dataFormat, dilationRate, activation, recurrentActivation, useBias,
            kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias, kernelRegularizer, recurrentRegularizer, biasRegularizer,
            kernelConstraint, recurrentConstraint, biasConstraint, dropout, recurrentDropout, seed, returnSequences, returnState, goBackwards, stateful,
            inputShape, name)
    {
    }
}
