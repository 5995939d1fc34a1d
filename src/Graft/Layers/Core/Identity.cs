using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>Returns its input unchanged (Keras's <c>layers.Identity</c>), a placeholder in a model's graph.</summary>
/// <param name="name">Layer name.</param>
public sealed class Identity(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => x;

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
