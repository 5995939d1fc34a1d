using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>x for x &gt; 0, else α(eˣ − 1).</summary>
public sealed class ELU(float alpha = 1f, string? name = null) : Layer(name)
{
    /// <summary>Scale of the negative part.</summary>
    public float Alpha { get; } = alpha;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Elu(x, Alpha);

    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["alpha"] = Alpha; return c; }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
