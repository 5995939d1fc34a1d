using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>Keras's ReLU layer: max_value cap, negative slope below the threshold.</summary>
public sealed class ReLU : Layer
{
    /// <param name="maxValue">Cap (≥ 0), or null.</param>
    /// <param name="negativeSlope">Slope below the threshold (≥ 0).</param>
    /// <param name="threshold">Where the linear part starts.</param>
    /// <param name="name">Layer name.</param>
    public ReLU(double? maxValue = null, double negativeSlope = 0, double threshold = 0, string? name = null) : base(name)
    {
        if (maxValue is < 0) throw new ArgumentOutOfRangeException(nameof(maxValue), $"ReLU: expected max_value >= 0, got {maxValue}.");
        if (negativeSlope < 0) throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"ReLU: expected negative_slope >= 0, got {negativeSlope}.");
        MaxValue = (float?)maxValue; NegativeSlope = (float)negativeSlope; Threshold = (float)threshold;
    }

    /// <summary>Cap, or null.</summary>
    public float? MaxValue { get; }
    /// <summary>Slope below the threshold.</summary>
    public float NegativeSlope { get; }
    /// <summary>Threshold.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Relu(x, NegativeSlope, MaxValue, Threshold);

    /// <summary>A plain relu's gradient is taken from its output alone (see <see cref="Ops.IsPlainRelu"/>).</summary>
    internal override bool KeepsInputsForBackward => !(MaxValue is null && NegativeSlope == 0f && Threshold == 0f);

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
