using Graft.Autograd;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>hₜ = activation(xₜ·W + hₜ₋₁·U + b) (Keras's <c>layers.SimpleRNN</c>).</summary>
public sealed class SimpleRNN(int units, string activation = "tanh", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
    bool stateful = false, int[]? inputShape = null, string? name = null)
    : RecurrentBase(units, 1, activation, "sigmoid", useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, inputShape, name)
{
    private protected override Tensor[] Step(Tensor x, Tensor[] state, Tensor? mask) =>
        [Activation.Call(Ops.Add(x, Recurrent(state[0], mask)))];

    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c.Remove("recurrent_activation"); return c; }
}
