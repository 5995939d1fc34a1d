using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// x · scale + offset, e.g. <c>new Rescaling(1.0 / 255)</c> for pixels (Keras's <c>layers.Rescaling</c>).
/// The scale may also be one multiplier per position of the last axis (per color channel, as
/// EfficientNet's ImageNet preprocessing uses), broadcast over the other axes.
/// </summary>
public sealed class Rescaling : Layer
{
    /// <param name="scale">Multiplier: one number, or one per position of the input's last axis.</param>
    /// <param name="offset">Addend.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">An empty list of scales.</exception>
    public Rescaling(Numbers scale, double offset = 0, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (scale.Count == 0) throw new ArgumentException("Rescaling: expected a scale or a list of scales, got none.", nameof(scale));
        Scale = scale; Offset = (float)offset;
    }

    /// <summary>Multiplier: one number, or one per position of the last axis.</summary>
    public Numbers Scale { get; }
    /// <summary>Per-position multipliers of the last axis, or null for a single number.</summary>
    public float[]? Scales => Scale.IsList ? Scale.ToArray() : null;
    /// <summary>Addend.</summary>
    public float Offset { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (Scale.IsList && Scale.Count != 1 && inputShape[^1] is { } last && last != Scale.Count)
            throw new ArgumentException($"{Describe()}: expected input with last dimension {Scale.Count} (one per scale), got {FormatShape(inputShape)}.");
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Scale.IsList ? Ops.Multiply(x, Tensor.FromArray(Scale.ToArray(), Scale.Count)) : Ops.Multiply(x, Scale.Values[0]);
        return Offset == 0f ? y : Ops.Add(y, Offset);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
