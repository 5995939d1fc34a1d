using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// (x − mean) / √(variance + ε) · scale + offset, all broadcast against x, like
    /// <c>keras.ops.batch_normalization</c>. Null scale/offset mean 1 and 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">epsilon is negative or NaN.</exception>
    public static Tensor BatchNormalization(Tensor x, Tensor mean, Tensor variance, Tensor? offset, Tensor? scale, float epsilon = 1e-3f)
    {
        if (!(epsilon >= 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"BatchNormalization: expected epsilon >= 0, got {epsilon}.");
        if (x.Backend is IFusedBatchNorm fused && x.Rank >= 2 && !Tensor.NeedsGrad([x, mean, variance, offset ?? x, scale ?? x])
            && IsPerChannel(mean, x) && IsPerChannel(variance, x) && (offset is null || IsPerChannel(offset, x)) && (scale is null || IsPerChannel(scale, x)))
        {
            // Inference: fold the statistics into one scale and shift per channel, then one pass over x.
            int c = x.Shape[^1];
            var a = Reciprocal(Sqrt(Add(Reshape(variance, c), epsilon)));
            if (scale is not null) a = Multiply(a, Reshape(scale, c));
            var shift = Negative(Multiply(Reshape(mean, c), a));
            if (offset is not null) shift = Add(shift, Reshape(offset, c));
            var y0 = Tensor.Empty(x.Shape, zero: false, Tensor.SameDevice("BatchNormalization", x, mean, variance, offset, scale));
            fused.ScaleShift(x, a, shift, y0);
            return y0;
        }
        var inv = Reciprocal(Sqrt(Add(variance, epsilon)));
        if (scale is not null) inv = Multiply(inv, scale);
        var y = Multiply(Subtract(x, mean), inv);
        return offset is null ? y : Add(y, offset);
    }

    /// <summary>A tensor of the last axis's length, alone or broadcast along every other axis of x.</summary>
    private static bool IsPerChannel(Tensor t, Tensor x) =>
        t.Rank >= 1 && t.Rank <= x.Rank && t.Shape[^1] == x.Shape[^1] && t.Size == x.Shape[^1];

    /// <summary>
    /// Batch normalization in training mode over the last axis: normalizes x with the batch's own
    /// mean and biased variance (over every other axis) and returns them, detached, for the moving
    /// statistics. The gradient flows through the statistics as through
    /// <see cref="Moments"/> then <see cref="BatchNormalization(Tensor, Tensor, Tensor, Tensor?, Tensor?, float)"/>,
    /// which a backend without <see cref="IFusedBatchNorm"/> runs.
    /// </summary>
    /// <param name="x">Input (..., C).</param>
    /// <param name="gamma">Scale (C), or null for 1.</param>
    /// <param name="beta">Offset (C), or null for 0.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="relu">
    /// Apply a relu to the result, as a relu after the normalization would, to the bit: the fused
    /// backend then writes max(·, 0) in the same pass and takes the relu's gradient inside its own
    /// (a training ResNet's BatchNormalization and Activation pairs: two passes over the activation
    /// fewer forward, and the relu's read, read and write backward).
    /// </param>
    internal static (Tensor Y, Tensor Mean, Tensor Variance) BatchNormalizationTraining(Tensor x, Tensor? gamma, Tensor? beta, float epsilon, bool relu = false)
    {
        int c = x.Shape[^1];
        if (x.Backend is not IFusedBatchNorm fused)
        {
            var (m, v) = Moments(x, Enumerable.Range(0, x.Rank - 1).ToArray(), keepDims: true);
            var y0 = BatchNormalization(x, m, v, beta, gamma, epsilon);
            return (relu ? Relu(y0) : y0, Reshape(m.Detach(), c), Reshape(v.Detach(), c));
        }
        var device = Tensor.SameDevice("BatchNormalization", x, gamma, beta);
        var mean = Tensor.Empty(Shape.Wrap([c]), zero: false, device);
        var variance = Tensor.Empty(Shape.Wrap([c]), zero: false, device);
        fused.BatchMoments(x, mean, variance);
        Tensor invStd, scale, shift;
        using (GradMode.NoGrad())
        {
            invStd = Reciprocal(Sqrt(Add(variance, epsilon)));
            scale = gamma is null ? invStd : Multiply(invStd, gamma);
            shift = Negative(Multiply(mean, scale));
            if (beta is not null) shift = Add(shift, beta);
        }
        var y = Tensor.Empty(x.Shape, zero: false, device);
        if (relu) fused.ScaleShiftRelu(x, scale, shift, y);
        else fused.ScaleShift(x, scale, shift, y);
        if (!Tensor.NeedsGrad([x, gamma ?? x, beta ?? x])) return (y, mean, variance);
        Tensor[] inputs = [x, .. gamma is null ? Array.Empty<Tensor>() : [gamma], .. beta is null ? Array.Empty<Tensor>() : [beta]];
        // The kernel sums over gy before it writes dx row by row, each element after reading the
        // same element of gy: dx may take gy's memory when the sweep owns it.
        return (Tensor.RecordInPlace(y, relu ? "BatchNormalizationRelu" : "BatchNormalization", (gy, overwritable) =>
        {
            var gx = !x.RequiresGrad ? null : overwritable && device == Device.Cpu ? gy : Tensor.Empty(x.Shape, zero: false, device);
            var gg = gamma is { RequiresGrad: true } ? Tensor.Empty(gamma.Shape, zero: false, device) : null;
            var gb = beta is { RequiresGrad: true } ? Tensor.Empty(beta.Shape, zero: false, device) : null;
            if (relu) fused.BatchNormReluBackward(x, gy, mean, invStd, gamma, scale, shift, gx, gg, gb);
            else fused.BatchNormBackward(x, gy, mean, invStd, gamma, gx, gg, gb);
            if (gx is not null) x.AccumulateGrad(gx);
            if (gg is not null) gamma!.AccumulateGrad(gg);
            if (gb is not null) beta!.AccumulateGrad(gb);
        }, inputs), mean, variance);
    }

    /// <summary>
    /// Inverted dropout with an explicit 0/1 <paramref name="mask"/>: x·mask / (1 − rate), so the
    /// expected value is unchanged and inference needs no rescaling (Keras's convention).
    /// </summary>
    public static Tensor Dropout(Tensor x, float rate, Tensor mask)
    {
        CheckRate(rate);
        return Multiply(Multiply(x, mask), 1f / (1f - rate));
    }

    /// <summary>A 0/1 mask that keeps each element with probability 1 − <paramref name="rate"/>.</summary>
    public static Tensor DropoutMask(int[] shape, float rate, Generator? generator = null)
    {
        CheckRate(rate);
        var g = generator ?? GraftContext.Current.Generator;
        // Drawn on the host from the seeded generator, so every device sees the same mask.
        return Tensor.FromHost(new Shape(shape), DefaultDevice.Current, d =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = g.NextFloat() >= rate ? 1f : 0f;
        });
    }

    private static void CheckRate(float rate)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: expected a rate in [0, 1), got {rate}.");
    }
}
