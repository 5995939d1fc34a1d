using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>Sum of the inputs. (Keras's <c>layers.Add</c>)</summary>
public sealed class Add(string? name = null) : Merge(name)
{
    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) { var y = xs[0]; for (int i = 1; i < xs.Count; i++) y = Ops.Add(y, xs[i]); return y; }

    /// <summary>A sum's gradient passes the output's on unchanged: no values are read.</summary>
    internal override bool KeepsInputsForBackward => false;

    /// <inheritdoc cref="KeepsInputsForBackward"/>
    internal override bool KeepsOutputForBackward => ActivityRegularizer is not null;
}
