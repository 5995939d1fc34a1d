using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Flattens each sample to one axis: (N, d1, d2, …) → (N, d1·d2·…). Shares memory with its input.</summary>
public sealed class Flatten(int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Flatten(x);

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        return [s[0], ShapeRules.Dim(this, ShapeRules.Product(s, 1), s, "all axes after the batch joined")];
    }

    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c["data_format"] = "channels_last"; return c; }
}
