using Graft.Autograd;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Recurrent;

/// <summary>
/// Gated recurrent unit (Keras's <c>layers.GRU</c>), gates in Keras's order z, r, h. With
/// <see cref="ResetAfter"/> (Keras 2.3+ and 3's default) the reset gate applies after the
/// recurrent product and the bias has two rows (input, recurrent); without it, before.
/// hₜ = z·hₜ₋₁ + (1 − z)·h̃.
/// </summary>
public sealed class GRU(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
    Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
    double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
    bool stateful = false, [KerasConfig(IfAbsent = false)] bool resetAfter = true, int[]? inputShape = null, string? name = null)
    : RecurrentBase(units, 3, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer,
        kernelRegularizer, recurrentRegularizer, biasRegularizer, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, inputShape, name)
{
    /// <summary>Apply the reset gate after the recurrent product.</summary>
    public bool ResetAfter { get; } = resetAfter;

    private protected override int[] BiasShape => ResetAfter ? [2, 3 * Units] : [3 * Units];

    private protected override Tensor? InputBias => BiasVar is null ? null : ResetAfter ? Ops.Reshape(Ops.Slice(BiasVar.Value, [0, 0], [1, 3 * Units], [1, 1]), 3 * Units) : BiasVar.Value;

    private Tensor? RecurrentBias => BiasVar is null || !ResetAfter ? null : Ops.Reshape(Ops.Slice(BiasVar.Value, [1, 0], [1, 3 * Units], [1, 1]), 3 * Units);

    private protected override Tensor[] Step(Tensor x, Tensor[] state, Tensor? mask)
    {
        var h = state[0];
        if (ResetAfter)
        {
            var rec = Recurrent(h, mask, RecurrentBias);
            var z = RecurrentActivation.Call(Ops.Add(Gate(x, 0), Gate(rec, 0)));
            var r = RecurrentActivation.Call(Ops.Add(Gate(x, 1), Gate(rec, 1)));
            var hh = Activation.Call(Ops.Add(Gate(x, 2), Ops.Multiply(r, Gate(rec, 2))));
            return [Ops.Add(Ops.Multiply(z, h), Ops.Multiply(Ops.Add(Ops.Negative(z), 1f), hh))];
        }
        var hm = mask is null ? h : Ops.Multiply(h, mask);
        var u = RecurrentVar!.Value;
        Tensor U(int k) => Ops.Slice(u, [0, k * Units], [Units, Units], [1, 1]);
        var z2 = RecurrentActivation.Call(Ops.Add(Gate(x, 0), Ops.MatMul(hm, U(0))));
        var r2 = RecurrentActivation.Call(Ops.Add(Gate(x, 1), Ops.MatMul(hm, U(1))));
        var hh2 = Activation.Call(Ops.Add(Gate(x, 2), Ops.MatMul(Ops.Multiply(r2, hm), U(2))));
        return [Ops.Add(Ops.Multiply(z2, h), Ops.Multiply(Ops.Add(Ops.Negative(z2), 1f), hh2))];
    }
}
