using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Element-wise product of the inputs. (Keras's <c>layers.Multiply</c>)</summary>
public sealed class Multiply(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) { var y = xs[0]; for (int i = 1; i < xs.Count; i++) y = Ops.Multiply(y, xs[i]); return y; }
}
