using System.Text.Json.Nodes;
using Graft.Tensors;

namespace Graft.Regularizers;

/// <summary>l1 · Σ|w|.</summary>
public sealed class L1(float l1 = 0.01f) : Regularizer
{
    /// <summary>Factor.</summary>
    public float Factor { get; } = l1;
    /// <inheritdoc/>
    public override Tensor Call(Tensor weight) => L1Term(weight, Factor);
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = Factor };
}
