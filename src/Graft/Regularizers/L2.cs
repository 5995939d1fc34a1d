using System.Text.Json.Nodes;
using Graft.Tensors;

namespace Graft.Regularizers;

/// <summary>l2 · Σw² (no ½, as in Keras).</summary>
public sealed class L2(float l2 = 0.01f) : Regularizer
{
    /// <summary>Factor.</summary>
    public float Factor { get; } = l2;
    /// <inheritdoc/>
    public override Tensor Call(Tensor weight) => L2Term(weight, Factor);
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l2"] = Factor };
}
