using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Constraints;

/// <summary>Scales slices (over <see cref="Axis"/>) to unit norm.</summary>
public sealed class UnitNorm(int axis = 0) : Constraint
{
    /// <summary>Axis the norm runs over.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Call(Tensor w) => Ops.Divide(w, Ops.Add(Norms(w, [Axis]), Ops.Epsilon));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["axis"] = Axis };
}
