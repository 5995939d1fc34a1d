using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>x for x ≥ 0, else negativeSlope·x; Keras's default slope for the layer is 0.3.</summary>
public sealed class LeakyReLU : Layer
{
    /// <param name="negativeSlope">Slope for negative inputs (Keras 2's <c>alpha</c>).</param>
    /// <param name="name">Layer name.</param>
    public LeakyReLU([KerasConfig("negative_slope", "alpha")] double negativeSlope = 0.3, string? name = null) : base(name)
    {
        if (negativeSlope < 0) throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"LeakyReLU: expected negative_slope >= 0, got {negativeSlope}.");
        NegativeSlope = (float)negativeSlope;
    }

    /// <summary>Slope for negative inputs.</summary>
    public float NegativeSlope { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.LeakyRelu(x, NegativeSlope);

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
