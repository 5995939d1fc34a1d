using Graft.Activations;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>Applies an activation function (Keras's <c>layers.Activation</c>).</summary>
public sealed class Activation : Layer
{
    /// <param name="activation">Keras identifier (<c>"relu"</c>, <c>"softmax"</c>, …).</param>
    /// <param name="inputShape">Shape of one sample; builds at once.</param>
    /// <param name="name">Layer name.</param>
    public Activation([KerasConfig(Property = nameof(Function))] string activation, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        Function = ActivationFunction.Get(activation);
    }

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training) => Function.Call(inputs);

    /// <summary>relu's gradient is taken from its output alone (see <see cref="Autograd.Ops.IsPlainRelu"/>).</summary>
    internal override bool KeepsInputsForBackward => Function.Name != "relu";

    /// <summary>The input's shape; <c>glu</c> halves the last axis.</summary>
    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (Function.Name != "glu" || inputShape.Length == 0 || inputShape[^1] is not { } n) return inputShape;
        if (n % 2 != 0) throw new ArgumentException($"{Describe()}: expected an even last dimension for glu, got shape {FormatShape(inputShape)}.");
        return [.. inputShape[..^1], n / 2];
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
