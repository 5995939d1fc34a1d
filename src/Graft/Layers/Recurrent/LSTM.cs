using Graft.Autograd;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// Long short-term memory (Keras's <c>layers.LSTM</c>), gates in Keras's order i, f, c, o:
/// i, f, o = σ(·), c̃ = tanh(·), cₜ = f·cₜ₋₁ + i·c̃, hₜ = o·tanh(cₜ). kernel (F, 4u), recurrent_kernel (u, 4u), bias (4u).
/// </summary>
public sealed class LSTM(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, bool unitForgetBias = true,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
    bool stateful = false, int[]? inputShape = null, string? name = null)
    : RecurrentBase(units, 4, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, inputShape, name)
{
    /// <summary>Initialize the forget gate's bias to 1 (Keras's default).</summary>
    public bool UnitForgetBias { get; } = unitForgetBias;

    internal override int StateCount => 2;

    private protected override Tensor InitialBias()
    {
        var b = BiasInitializer.Call([4 * Units]);
        if (!UnitForgetBias) return b;
        var d = b.ToArray();
        for (int i = Units; i < 2 * Units; i++) d[i] = 1f;
        return Tensor.FromArray(d, 4 * Units);
    }

    /// <summary>Keras's default activations run as one fused kernel (<see cref="Ops.LstmSequence"/>); others step by step.</summary>
    private protected override Tensor? FusedSequence(Tensor projected, Tensor? recurrentMask, Tensor? stepMask) =>
        Activation.Name == "tanh" && RecurrentActivation.Name == "sigmoid"
            ? Ops.LstmSequence(projected, RecurrentVar!.Value, recurrentMask, GoBackwards, ReturnSequences, stepMask)
            : null;

    private protected override Tensor[] Step(Tensor x, Tensor[] state, Tensor? mask)
    {
        var z = Ops.Add(x, Recurrent(state[0], mask));
        var i = RecurrentActivation.Call(Gate(z, 0));
        var f = RecurrentActivation.Call(Gate(z, 1));
        var candidate = Activation.Call(Gate(z, 2));
        var o = RecurrentActivation.Call(Gate(z, 3));
        var c = Ops.Add(Ops.Multiply(f, state[1]), Ops.Multiply(i, candidate));
        return [Ops.Multiply(o, Activation.Call(c)), c];
    }
}
