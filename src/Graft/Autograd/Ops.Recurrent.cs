using Graft.Tensors;
using Graft.Tensors.Backends;

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
        if (projected.Backend is not ILstmKernel backend)
            return LstmSteps(projected, recurrentKernel, recurrentMask, goBackwards, returnSequences, stepMask);
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
                g.Backend.SliceScatterAdd(Reshape(g, 1, n, units), [steps - 1, 0, 0], [1, 1, 1], dh);
            }
            // Zeroed: the kernel adds into them.
            var gp = projected.RequiresGrad ? Tensor.Empty(projected.Shape, zero: true, device) : null;
            var gu = recurrentKernel.RequiresGrad ? Tensor.Empty(recurrentKernel.Shape, zero: true, device) : null;
            backend.LstmBackward(recurrentKernel, recurrentMask, stepMask, goBackwards, h, c, gates, dh, gp, gu);
            if (gp is not null) projected.AccumulateGrad(gp);
            if (gu is not null) recurrentKernel.AccumulateGrad(gu);
        }, projected, recurrentKernel);
    }

    /// <summary>
    /// <see cref="LstmSequence"/> for a backend without the sequence kernel: the same recurrence, step
    /// by step from primitive ops (autograd gives backpropagation through time).
    /// </summary>
    private static Tensor LstmSteps(Tensor projected, Tensor recurrentKernel, Tensor? recurrentMask, bool goBackwards, bool returnSequences, Tensor? stepMask)
    {
        int n = projected.Shape[0], steps = projected.Shape[1], units = recurrentKernel.Shape[0];
        var h = Tensor.Zeros([n, units], projected.Device);
        var c = h;
        var outputs = new List<Tensor>(steps);
        Tensor Gate(Tensor z, int k) => Slice(z, [0, k * units], [n, units], [1, 1]);
        for (int s = 0; s < steps; s++)
        {
            int t = goBackwards ? steps - 1 - s : s;
            var hIn = recurrentMask is null ? h : Multiply(h, recurrentMask);
            var z = Add(Reshape(Slice(projected, [0, t, 0], [n, 1, 4 * units], [1, 1, 1]), n, 4 * units), MatMul(hIn, recurrentKernel));
            // c = f·c₋₁ + i·c̃ ;  h = o·tanh(c)
            var cNext = Add(Multiply(Sigmoid(Gate(z, 1)), c), Multiply(Sigmoid(Gate(z, 0)), Tanh(Gate(z, 2))));
            var hNext = Multiply(Sigmoid(Gate(z, 3)), Tanh(cNext));
            if (stepMask is not null)
            {
                // A padding step (mask 0) carries the state through unchanged.
                var keep = Slice(stepMask, [0, t], [n, 1], [1, 1]);
                cNext = Where(keep, cNext, c);
                hNext = Where(keep, hNext, h);
            }
            (h, c) = (hNext, cNext);
            if (returnSequences) outputs.Add(h);
        }
        return returnSequences ? Stack(outputs, 1) : h;
    }
}
