using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>x for x &gt; 0, else α(eˣ − 1).</summary>
public sealed class ELU(double alpha = 1, string? name = null) : Layer(name)
{
    /// <summary>Scale of the negative part.</summary>
    public float Alpha { get; } = (float)alpha;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Elu(x, Alpha);

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
