using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Config;
using Graft.Tensors;

namespace Graft.Regularizers;

/// <summary>A penalty on a weight, added to the training loss (Keras's <c>keras.regularizers</c>).</summary>
public abstract class Regularizer
{
    /// <summary>The penalty for <paramref name="weight"/>, a scalar tensor (differentiable).</summary>
    public abstract Tensor Call(Tensor weight);

    /// <summary>Keras's class name.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>Keras's <c>get_config()</c>.</summary>
    public abstract JsonObject GetConfig();

    /// <summary>Keras's serialized form: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public JsonObject Serialize() => KerasJson.Wrap("keras.regularizers", ClassName, GetConfig());

    /// <summary>A regularizer from Keras's serialized form: an identifier, or <c>{"class_name", "config"}</c>.</summary>
    /// <exception cref="FormatException">The node is not a serialized regularizer.</exception>
    /// <exception cref="NotSupportedException">Graft has no regularizer of that class.</exception>
    internal static Regularizer Deserialize(JsonNode node)
    {
        var (name, c) = KerasJson.Unwrap(node);
        return name.Replace("_", "").ToLowerInvariant() switch
        {
            "l1" => new L1(KerasJson.Float(c, "l1", 0.01f)),
            "l2" => new L2(KerasJson.Float(c, "l2", 0.01f)),
            "l1l2" => new L1L2(KerasJson.Float(c, "l1", 0f), KerasJson.Float(c, "l2", 0f)),
            _ => throw new NotSupportedException($"Regularizer: Graft has no regularizer '{name}'."),
        };
    }

    /// <summary>Resolves <c>"l1"</c>, <c>"l2"</c>, <c>"l1_l2"</c> with Keras's default factor 0.01.</summary>
    public static Regularizer Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "l1" => new L1(),
        "l2" => new L2(),
        "l1_l2" or "l1l2" => new L1L2(0.01f, 0.01f),
        _ => throw new ArgumentException($"Regularizer: expected l1, l2 or l1_l2, got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where a regularizer is expected.</summary>
    public static implicit operator Regularizer(string identifier) => Get(identifier);

    internal static Tensor L1Term(Tensor w, float l1) => Ops.Multiply(Ops.Sum(Ops.Abs(w)), l1);
    internal static Tensor L2Term(Tensor w, float l2) => Ops.Multiply(Ops.Sum(Ops.Square(w)), l2);
}
