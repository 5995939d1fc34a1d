using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Regularizers;

/// <summary>l1 · Σ|w| + l2 · Σw²; Keras's defaults are 0 for both.</summary>
public sealed class L1L2(float l1 = 0f, float l2 = 0f) : Regularizer
{
    /// <summary>L1 factor.</summary>
    public float L1 { get; } = l1;
    /// <summary>L2 factor.</summary>
    public float L2 { get; } = l2;
    /// <inheritdoc/>
    public override Tensor Call(Tensor weight) => Ops.Add(L1Term(weight, L1), L2Term(weight, L2));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1, ["l2"] = L2 };
}
