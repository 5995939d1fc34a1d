using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// The step of <see cref="LSTM"/> as a cell for <see cref="RNN"/> (Keras's <c>layers.LSTMCell</c>), gates in
/// Keras's order i, f, c, o. Weights kernel (features, 4·units), recurrent_kernel (units, 4·units),
/// bias (4·units). Input (batch, features); output (batch, units); states h and c, each (batch, units).
/// </summary>
public sealed class LSTMCell(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, bool unitForgetBias = true,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, string? name = null)
    : DenseRecurrentCell(units, 4, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, name)
{
    /// <summary>Initialize the forget gate's bias to 1 (Keras's default).</summary>
    public bool UnitForgetBias { get; } = unitForgetBias;

    /// <inheritdoc/>
    public override IReadOnlyList<int> StateSize => [Units, Units];

    private protected override Tensor InitialBias()
    {
        var b = BiasInitializer.Call([4 * Units]);
        if (!UnitForgetBias) return b;
        var d = b.ToArray();
        for (int i = Units; i < 2 * Units; i++) d[i] = 1f;
        return Tensor.FromArray(d, 4 * Units);
    }

    private protected override RecurrentBase CreateLayer(bool returnSequences, bool goBackwards, bool stateful) =>
        new LSTM(Units, Activation.Name, RecurrentActivation.Name, UseBias, dropout: Dropout, recurrentDropout: RecurrentDropout,
            returnSequences: returnSequences, returnState: true, goBackwards: goBackwards, stateful: stateful, name: Name);
}
