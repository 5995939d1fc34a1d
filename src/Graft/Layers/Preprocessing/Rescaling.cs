using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>x · scale + offset, e.g. <c>new Rescaling(1f / 255)</c> for pixels (Keras's <c>layers.Rescaling</c>).</summary>
public sealed class Rescaling : Layer
{
    /// <param name="scale">Multiplier.</param>
    /// <param name="offset">Addend.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public Rescaling(float scale, float offset = 0f, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        Scale = scale; Offset = offset;
    }

    /// <summary>
    /// One multiplier per position of the last axis (Keras's <c>Rescaling(scale=[...])</c>, e.g. per
    /// color channel), broadcast over the other axes.
    /// </summary>
    /// <param name="scale">Multipliers, as many as the input's last dimension.</param>
    /// <param name="offset">Addend.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public Rescaling(float[] scale, float offset = 0f, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(scale);
        if (scale.Length == 0) throw new ArgumentException("Rescaling: expected at least one scale, got none.", nameof(scale));
        Scale = scale[0]; Scales = (float[])scale.Clone(); Offset = offset;
    }

    /// <summary>Multiplier (the first one when there is one per channel).</summary>
    public float Scale { get; }
    /// <summary>Per-position multipliers of the last axis, or null for the single <see cref="Scale"/>.</summary>
    public float[]? Scales { get; }
    /// <summary>Addend.</summary>
    public float Offset { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (Scales is not null && inputShape[^1] is { } last && last != Scales.Length && Scales.Length != 1)
            throw new ArgumentException($"{Describe()}: expected input with last dimension {Scales.Length} (one per scale), got {FormatShape(inputShape)}.");
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var y = Scales is null ? Ops.Multiply(x, Scale) : Ops.Multiply(x, Tensor.FromArray(Scales, Scales.Length));
        return Offset == 0f ? y : Ops.Add(y, Offset);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["scale"] = Scales is null ? Scale : new JsonArray(Scales.Select(s => (JsonNode)s).ToArray());
        c["offset"] = Offset;
        return c;
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
