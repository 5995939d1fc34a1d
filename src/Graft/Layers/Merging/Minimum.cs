using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Element-wise minimum of the inputs. (Keras's <c>layers.Minimum</c>)</summary>
public sealed class Minimum(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) { var y = xs[0]; for (int i = 1; i < xs.Count; i++) y = Ops.Minimum(y, xs[i]); return y; }
}
