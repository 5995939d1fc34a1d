using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Config;
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

    /// <summary>Keras's serialized form: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public JsonObject Serialize() => KerasJson.Wrap("keras.constraints", ClassName, GetConfig());

    /// <summary>A constraint from Keras's serialized form: an identifier, or <c>{"class_name", "config"}</c>.</summary>
    /// <exception cref="FormatException">The node is not a serialized constraint.</exception>
    /// <exception cref="NotSupportedException">Graft has no constraint of that class.</exception>
    internal static Constraint Deserialize(JsonNode node)
    {
        var (name, c) = KerasJson.Unwrap(node);
        return name.Replace("_", "").ToLowerInvariant() switch
        {
            "maxnorm" => new MaxNorm(KerasJson.Float(c, "max_value", 2f), KerasJson.Int(c, "axis", 0)),
            "minmaxnorm" => new MinMaxNorm(KerasJson.Float(c, "min_value", 0f), KerasJson.Float(c, "max_value", 1f), KerasJson.Float(c, "rate", 1f), KerasJson.Int(c, "axis", 0)),
            "nonneg" => new NonNeg(),
            "unitnorm" => new UnitNorm(KerasJson.Int(c, "axis", 0)),
            _ => throw new NotSupportedException($"Constraint: Graft has no constraint '{name}'."),
        };
    }

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
