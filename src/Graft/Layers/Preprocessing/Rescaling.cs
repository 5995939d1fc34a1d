using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>x · scale + offset, e.g. <c>new Rescaling(1f / 255)</c> for pixels (Keras's <c>layers.Rescaling</c>).</summary>
public sealed class Rescaling(double scale, double offset = 0, int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    /// <summary>Multiplier.</summary>
    public float Scale { get; } = (float)scale;
    /// <summary>Addend.</summary>
    public float Offset { get; } = (float)offset;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Ops.Multiply(x, Scale);
        return Offset == 0f ? y : Ops.Add(y, Offset);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
