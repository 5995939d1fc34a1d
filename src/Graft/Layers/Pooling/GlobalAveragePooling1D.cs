using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Pooling;

/// <summary>
/// Mean over steps (Keras's <c>layers.GlobalAveragePooling1D</c>). With a sequence mask (from
/// <c>Embedding(maskZero: true)</c> or <c>Masking</c>), the mean is over the real steps only.
/// </summary>
public sealed class GlobalAveragePooling1D(string dataFormat = "channels_last", bool keepdims = false, string? name = null) : GlobalPoolingBase(1, dataFormat, keepdims, name)
{
    private protected override bool IsMax => false;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Mask is not { } mask) return base.Forward(x, training);
        if (DataFormat != "channels_last" || x.Rank != 3)
            throw new NotSupportedException($"{Describe()}: expected channels_last input (batch, steps, features) with a mask, got {DataFormat} input {x.Shape}.");
        // Σ_t x·m / Σ_t m, each sample over its own real steps (Keras: the same, no guard for all-padding rows).
        var m = Ops.Reshape(mask, mask.Shape[0], mask.Shape[1], 1);
        var mean = Ops.Divide(Ops.Sum(Ops.Multiply(x, m), [1], Keepdims), Ops.Sum(m, [1], Keepdims));
        return mean;
    }

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => null;
}
