using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>x · scale + offset, e.g. <c>new Rescaling(1f / 255)</c> for pixels (Keras's <c>layers.Rescaling</c>).</summary>
public sealed class Rescaling(float scale, float offset = 0f, int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    /// <summary>Multiplier.</summary>
    public float Scale { get; } = scale;
    /// <summary>Addend.</summary>
    public float Offset { get; } = offset;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Ops.Multiply(x, Scale);
        return Offset == 0f ? y : Ops.Add(y, Offset);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["scale"] = Scale; c["offset"] = Offset; return c; }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
