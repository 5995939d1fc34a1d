using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Layers.Recurrent;

/// <summary>
/// The step of <see cref="SimpleRNN"/> as a cell for <see cref="RNN"/> (Keras's <c>layers.SimpleRNNCell</c>):
/// hₜ = activation(xₜ·kernel + hₜ₋₁·recurrent_kernel + bias). Weights kernel (features, units),
/// recurrent_kernel (units, units), bias (units). Input (batch, features), output and state (batch, units).
/// </summary>
public sealed class SimpleRNNCell(int units, string activation = "tanh", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, string? name = null)
    : DenseRecurrentCell(units, 1, activation, "sigmoid", useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, name)
{
    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units];

    private protected override RecurrentBase CreateLayer(bool returnSequences, bool goBackwards, bool stateful) =>
        new SimpleRNN(Units, Activation.Name, UseBias, dropout: Dropout, recurrentDropout: RecurrentDropout,
            returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, stateful: stateful, name: Name);
}
