using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>Softmax along <see cref="Axis"/>.</summary>
public sealed class Softmax(int axis = -1, string? name = null) : Layer(name)
{
    /// <summary>The normalized axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Softmax(x, Axis);
}
