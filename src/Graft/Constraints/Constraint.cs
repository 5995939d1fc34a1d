using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Constraints;

/// <summary>A projection applied to a weight after each optimizer step (Keras's <c>keras.constraints</c>).</summary>
public abstract class Constraint
{
    /// <summary>The projected value of <paramref name="weight"/>.</summary>
    public abstract Tensor Call(Tensor weight);

    /// <summary>Keras's class name.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>Keras's <c>get_config()</c>.</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>Resolves <c>"max_norm"</c>, <c>"min_max_norm"</c>, <c>"non_neg"</c>, <c>"unit_norm"</c> with Keras's defaults.</summary>
    public static Constraint Get(string identifier) => identifier.Replace("_", "").ToLowerInvariant() switch
    {
        "maxnorm" => new MaxNorm(),
        "minmaxnorm" => new MinMaxNorm(),
        "nonneg" => new NonNeg(),
        "unitnorm" => new UnitNorm(),
        _ => throw new ArgumentException($"Constraint: expected max_norm, min_max_norm, non_neg or unit_norm, got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where a constraint is expected.</summary>
    public static implicit operator Constraint(string identifier) => Get(identifier);

    /// <summary>√(Σ w² over <paramref name="axes"/>), kept as dims for broadcasting.</summary>
    internal static Tensor Norms(Tensor w, int[] axes) => Ops.Sqrt(Ops.Sum(Ops.Square(w), axes, keepDims: true));
}
