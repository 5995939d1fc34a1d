using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Constraints;

/// <summary>Moves slice norms toward [min, max] at <see cref="Rate"/> (1 = clip exactly).</summary>
public sealed class MinMaxNorm(float minValue = 0f, float maxValue = 1f, float rate = 1f, int axis = 0) : Constraint
{
    /// <summary>Smallest norm.</summary>
    public float MinValue { get; } = minValue;
    /// <summary>Largest norm.</summary>
    public float MaxValue { get; } = maxValue;
    /// <summary>Interpolation rate toward the clipped norm.</summary>
    public float Rate { get; } = rate;
    /// <summary>Axis the norm runs over.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Call(Tensor w)
    {
        var norms = Norms(w, [Axis]);
        var desired = Ops.Add(Ops.Multiply(Ops.Clip(norms, MinValue, MaxValue), Rate), Ops.Multiply(norms, 1f - Rate));
        return Ops.Multiply(w, Ops.Divide(desired, Ops.Add(norms, Ops.Epsilon)));
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["min_value"] = MinValue, ["max_value"] = MaxValue, ["rate"] = Rate, ["axis"] = Axis };
}
