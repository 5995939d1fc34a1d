using Graft.Tensors;

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
        var inv = Reciprocal(Sqrt(Add(variance, epsilon)));
        if (scale is not null) inv = Multiply(inv, scale);
        var y = Multiply(Subtract(x, mean), inv);
        return offset is null ? y : Add(y, offset);
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
