using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Drops a whole residual branch for a random fraction <see cref="DropPathRate"/> of the samples during
/// training and scales the kept ones by 1 / (1 − rate); passes its input through at inference (Huang et al.,
/// 2016; timm's <c>DropPath</c>). Keras defines it inside its ConvNeXt application
/// (<c>keras.applications.convnext.StochasticDepth</c>). Input (batch, …); output the same shape.
/// </summary>
public sealed class StochasticDepth : Layer
{
    /// <param name="dropPathRate">Probability of dropping the branch of a sample, in [0, 1).</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside [0, 1).</exception>
    public StochasticDepth(double dropPathRate, string? name = null) : base(name)
    {
        if (!(dropPathRate >= 0 && dropPathRate < 1))
            throw new ArgumentOutOfRangeException(nameof(dropPathRate), $"StochasticDepth: expected drop_path_rate in [0, 1), got {dropPathRate}.");
        DropPathRate = dropPathRate;
    }

    /// <summary>Probability of dropping a sample's branch (Keras's <c>drop_path_rate</c>).</summary>
    public double DropPathRate { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => DropPathRate == 0;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (!training || DropPathRate == 0) return x;
        // Keras's floor(keep + U(0, 1)) per sample is a Bernoulli(keep) mask of shape (batch, 1, …, 1): dropout's mask on that shape.
        var shape = x.Shape.Select((d, i) => i == 0 ? d : 1).ToArray();
        float rate = (float)DropPathRate;
        return Ops.Dropout(x, rate, Ops.DropoutMask(shape, rate));
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
