using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>All ones (BatchNormalization's gamma and moving variance).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.Ones(shape);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() => [];
}
