using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Mean of the inputs. (Keras's <c>layers.Average</c>)</summary>
public sealed class Average(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) { var y = xs[0]; for (int i = 1; i < xs.Count; i++) y = Ops.Add(y, xs[i]); return Ops.Multiply(y, 1f / xs.Count); }
}
