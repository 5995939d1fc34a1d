using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// An LSTM over a whole sequence with Keras's default activations (sigmoid gates, tanh cell), gates
    /// in order i, f, c, o: from the projected inputs <paramref name="projected"/> (N, T, 4u) = x·W + b
    /// and the recurrent kernel (u, 4u), the states h in step order (N, T, u), or the last h (N, u).
    /// One kernel per direction instead of a dozen ops per step; the gradient is backpropagation
    /// through time over the saved gates and cell states.
    /// </summary>
    /// <param name="projected">x·W + b for every step, (N, T, 4u).</param>
    /// <param name="recurrentKernel">U, (u, 4u).</param>
    /// <param name="goBackwards">Read the steps from the last to the first (outputs stay in reading order, as Keras).</param>
    /// <param name="returnSequences">Return every step's h (N, T, u) rather than the last (N, u).</param>
    /// <param name="recurrentMask">Recurrent dropout: h is multiplied by this (N, u) mask before h·U; no gradient flows to it.</param>
    /// <param name="stepMask">Sequence mask (N, T): at a 0 the sample's state goes through the step unchanged (Keras's masking).</param>
    public static Tensor LstmSequence(Tensor projected, Tensor recurrentKernel, Tensor? recurrentMask, bool goBackwards, bool returnSequences, Tensor? stepMask = null)
    {
        if (projected.Rank != 3 || recurrentKernel.Rank != 2 || recurrentKernel.Shape[1] != 4 * recurrentKernel.Shape[0] || projected.Shape[2] != recurrentKernel.Shape[1])
            throw new ArgumentException($"LstmSequence: expected projected inputs (N, T, 4u) and a recurrent kernel (u, 4u), got {projected.Shape} and {recurrentKernel.Shape}.");
        int n = projected.Shape[0], steps = projected.Shape[1], units = recurrentKernel.Shape[0];
        if (recurrentMask is not null && (recurrentMask.Rank != 2 || recurrentMask.Shape[0] != n || recurrentMask.Shape[1] != units))
            throw new ArgumentException($"LstmSequence: expected a recurrent mask ({n}, {units}), got {recurrentMask.Shape}.");
        if (stepMask is not null && (stepMask.Rank != 2 || stepMask.Shape[0] != n || stepMask.Shape[1] != steps))
            throw new ArgumentException($"LstmSequence: expected a sequence mask ({n}, {steps}), got {stepMask.Shape}.");
        if (steps == 0) throw new ArgumentException($"LstmSequence: expected at least one step, got {projected.Shape}.");
        var device = Tensor.SameDevice("LstmSequence", projected, recurrentKernel, recurrentMask, stepMask);
        var backend = projected.Backend;
        var h = Tensor.Empty(Shape.Wrap([steps + 1, n, units]), zero: false, device);
        var c = Tensor.Empty(Shape.Wrap([steps + 1, n, units]), zero: false, device);
        var gates = Tensor.Empty(Shape.Wrap([steps, n, 4 * units]), zero: false, device);
        backend.LstmForward(projected, recurrentKernel, recurrentMask, stepMask, goBackwards, h, c, gates);

        // Every step's h, (T, N, u) → (N, T, u); or the last one.
        var states = Slice(h, [1, 0, 0], [steps, n, units], [1, 1, 1]);
        var y = returnSequences ? Permute(states, [1, 0, 2]) : Reshape(Slice(h, [steps, 0, 0], [1, n, units], [1, 1, 1]), n, units);
        if (!Tensor.NeedsGrad(projected, recurrentKernel)) return y;
        y = y.Detach();
        return Tensor.Record(y, "LstmSequence", g =>
        {
            // The gradient reaching each step's h, in step order (T, N, u).
            Tensor dh;
            if (returnSequences) dh = Permute(g, [1, 0, 2]);
            else
            {
                // Only the last step's h reached the output: zeros, then g in the last row.
                dh = Tensor.Empty(Shape.Wrap([steps, n, units]), zero: true, device);
                backend.SliceScatterAdd(Reshape(g, 1, n, units), [steps - 1, 0, 0], [1, 1, 1], dh);
            }
            // Zeroed: the kernel adds into them.
            var gp = projected.RequiresGrad ? Tensor.Empty(projected.Shape, zero: true, device) : null;
            var gu = recurrentKernel.RequiresGrad ? Tensor.Empty(recurrentKernel.Shape, zero: true, device) : null;
            backend.LstmBackward(recurrentKernel, recurrentMask, stepMask, goBackwards, h, c, gates, dh, gp, gu);
            if (gp is not null) projected.AccumulateGrad(gp);
            if (gu is not null) recurrentKernel.AccumulateGrad(gu);
        }, projected, recurrentKernel);
    }
}
