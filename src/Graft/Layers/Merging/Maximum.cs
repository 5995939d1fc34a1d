using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Element-wise maximum of the inputs. (Keras's <c>layers.Maximum</c>)</summary>
public sealed class Maximum(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) { var y = xs[0]; for (int i = 1; i < xs.Count; i++) y = Ops.Maximum(y, xs[i]); return y; }
}
