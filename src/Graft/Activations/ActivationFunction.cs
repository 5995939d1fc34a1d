using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Activations;

/// <summary>
/// A named activation function (Keras's <c>keras.activations</c>): resolved from the identifiers
/// Keras accepts, and serialized back to them.
/// </summary>
public sealed class ActivationFunction
{
    private readonly Func<Tensor, Tensor> _function;

    private ActivationFunction(string name, Func<Tensor, Tensor> function) { Name = name; _function = function; }

    /// <summary>Keras's identifier (<c>relu</c>, <c>softmax</c>, …).</summary>
    public string Name { get; }

    /// <summary>Applies the function.</summary>
    public Tensor Call(Tensor x) => _function(x);

    /// <summary>True for the identity (<c>linear</c>).</summary>
    public bool IsLinear => Name == "linear";

    /// <summary>The identifiers this resolver knows.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "hard_sigmoid_keras2", "tanh",
         "softmax", "log_softmax", "softplus", "softsign", "swish", "silu", "exponential"];

    /// <summary>Resolves a Keras identifier; null or "" is <c>linear</c>.</summary>
    /// <exception cref="ArgumentException">The identifier is unknown; the message lists the known ones.</exception>
    public static ActivationFunction Get(string? identifier) => (identifier ?? "linear").ToLowerInvariant() switch
    {
        "linear" or "" or "none" => new("linear", Ops.Linear),
        "relu" => new("relu", x => Ops.Relu(x)),
        "relu6" => new("relu6", x => Ops.Relu(x, maxValue: 6f)),
        "leaky_relu" => new("leaky_relu", x => Ops.LeakyRelu(x)),
        "elu" => new("elu", x => Ops.Elu(x)),
        "selu" => new("selu", Ops.Selu),
        "gelu" => new("gelu", x => Ops.Gelu(x)),
        "sigmoid" => new("sigmoid", Ops.Sigmoid),
        "hard_sigmoid" => new("hard_sigmoid", Ops.HardSigmoid),
        // What "hard_sigmoid" meant before Keras 3; files written by Keras 1 and 2 are read with it.
        "hard_sigmoid_keras2" => new("hard_sigmoid_keras2", Ops.HardSigmoidKeras2),
        "tanh" => new("tanh", Ops.Tanh),
        "softmax" => new("softmax", x => Ops.Softmax(x)),
        "log_softmax" => new("log_softmax", x => Ops.LogSoftmax(x)),
        "softplus" => new("softplus", Ops.Softplus),
        "softsign" => new("softsign", Ops.Softsign),
        "swish" => new("swish", Ops.Silu),
        "silu" => new("silu", Ops.Silu),
        "exponential" => new("exponential", Ops.Exponential),
        _ => throw new ArgumentException($"Activation: expected one of {string.Join(", ", Names)}; got '{identifier}'."),
    };

    /// <inheritdoc/>
    public override string ToString() => Name;
}
