using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Layers.Recurrent;

/// <summary>
/// The step of <see cref="GRU"/> as a cell for <see cref="RNN"/> (Keras's <c>layers.GRUCell</c>), gates in
/// Keras's order z, r, h. Weights kernel (features, 3·units), recurrent_kernel (units, 3·units), bias
/// (2, 3·units) with <see cref="ResetAfter"/> (input and recurrent rows), else (3·units).
/// Input (batch, features); output and state (batch, units).
/// </summary>
public sealed class GRUCell(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, [KerasConfig(IfAbsent = false)] bool resetAfter = true, string? name = null)
    : DenseRecurrentCell(units, 3, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, name)
{
    /// <summary>Apply the reset gate after the recurrent product (Keras 3's default).</summary>
    public bool ResetAfter { get; } = resetAfter;

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units];

    private protected override int[] BiasShape => ResetAfter ? [2, 3 * Units] : [3 * Units];

    private protected override RecurrentBase CreateLayer(bool returnSequences, bool goBackwards, bool stateful) =>
        new GRU(Units, Activation.Name, RecurrentActivation.Name, UseBias, dropout: Dropout, recurrentDropout: RecurrentDropout,
            returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, stateful: stateful, resetAfter: ResetAfter, name: Name);
}
