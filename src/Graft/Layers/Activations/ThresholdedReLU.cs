using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>
/// x where x &gt; θ, else 0 (Keras 2's <c>layers.ThresholdedReLU</c>; Keras 3 dropped the class,
/// whose files still hold it). Input and output shapes are the same.
/// </summary>
public sealed class ThresholdedReLU : Layer
{
    /// <param name="theta">Threshold θ (≥ 0); default 1.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="theta"/> is negative or not a number.</exception>
    public ThresholdedReLU(double theta = 1.0, string? name = null) : base(name)
    {
        if (!(theta >= 0)) throw new ArgumentOutOfRangeException(nameof(theta), $"ThresholdedReLU: expected theta >= 0, got {theta}.");
        Theta = theta;
    }

    /// <summary>Threshold θ.</summary>
    public double Theta { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Threshold(x, (float)Theta, 0f);

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
