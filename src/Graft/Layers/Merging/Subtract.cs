using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>First input minus the second (Keras's <c>layers.Subtract</c>).</summary>
public sealed class Subtract(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) => xs.Count == 2 ? Ops.Subtract(xs[0], xs[1])
        : throw new ArgumentException($"{Describe()}: expected exactly 2 inputs, got {xs.Count}.");
}
