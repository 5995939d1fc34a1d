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
         "softmax", "log_softmax", "softplus", "softsign", "swish", "silu", "exponential",
         "celu", "glu", "hard_tanh", "hard_silu", "hard_swish", "log_sigmoid", "mish", "soft_shrink", "hard_shrink",
         "tanh_shrink", "sparse_plus", "sparse_sigmoid", "squareplus", "sparsemax"];

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
        // Keras 3's additions, each with the default arguments its name stands for.
        "celu" => new("celu", x => Ops.Celu(x)),
        "glu" => new("glu", x => Ops.Glu(x)),
        "hard_tanh" => new("hard_tanh", Ops.HardTanh),
        "hard_silu" => new("hard_silu", Ops.HardSilu),
        "hard_swish" => new("hard_swish", Ops.HardSilu),
        "log_sigmoid" => new("log_sigmoid", Ops.LogSigmoid),
        "mish" => new("mish", Ops.Mish),
        "soft_shrink" => new("soft_shrink", x => Ops.SoftShrink(x)),
        "hard_shrink" => new("hard_shrink", x => Ops.HardShrink(x)),
        "tanh_shrink" => new("tanh_shrink", Ops.TanhShrink),
        "sparse_plus" => new("sparse_plus", Ops.SparsePlus),
        "sparse_sigmoid" => new("sparse_sigmoid", Ops.SparseSigmoid),
        "squareplus" => new("squareplus", x => Ops.Squareplus(x)),
        "sparsemax" => new("sparsemax", x => Ops.Sparsemax(x)),
        // Keras lists threshold, but it has no defaults for its two arguments: a name alone fails in
        // Keras when called, and here at once.
        "threshold" => throw new ArgumentException("Activation 'threshold': expected its threshold and default_value arguments, which a name cannot carry (Keras fails the same way when the layer runs). Use Ops.Threshold, or the ThresholdedReLU layer."),
        _ => throw new ArgumentException($"Activation: expected one of {string.Join(", ", Names)}; got '{identifier}'."),
    };

    /// <inheritdoc/>
    public override string ToString() => Name;
}
