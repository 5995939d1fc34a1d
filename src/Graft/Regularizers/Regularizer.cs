using System.Text.Json.Nodes;
using Graft.Autograd;
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
