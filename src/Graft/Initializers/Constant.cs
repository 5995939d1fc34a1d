using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>Every element equal to <see cref="Value"/>.</summary>
public sealed class Constant(float value = 0f) : Initializer
{
    /// <summary>The fill value.</summary>
    public float Value { get; } = value;
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.Full(Value, shape);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() => new() { ["value"] = Value };
}
