using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>All zeros; Keras's default bias initializer.</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.Zeros(shape);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() => [];
}
