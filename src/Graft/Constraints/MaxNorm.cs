using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Constraints;

/// <summary>Rescales slices whose norm (over <see cref="Axis"/>) exceeds <see cref="MaxValue"/>.</summary>
public sealed class MaxNorm(float maxValue = 2f, int axis = 0) : Constraint
{
    /// <summary>Largest norm allowed.</summary>
    public float MaxValue { get; } = maxValue;
    /// <summary>Axis the norm runs over (0: each output unit's incoming weights).</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var norms = Norms(w, [Axis]);
        var desired = Ops.Clip(norms, 0f, MaxValue);
        return Ops.Multiply(w, Ops.Divide(desired, Ops.Add(norms, Ops.Epsilon)));
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["max_value"] = MaxValue, ["axis"] = Axis };
}
