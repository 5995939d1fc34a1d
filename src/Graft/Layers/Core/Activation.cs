using System.Text.Json.Nodes;
using Graft.Activations;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>Applies an activation function (Keras's <c>layers.Activation</c>).</summary>
public sealed class Activation : Layer
{
    /// <param name="activation">Keras identifier (<c>"relu"</c>, <c>"softmax"</c>, …).</param>
    /// <param name="inputShape">Shape of one sample; builds at once.</param>
    /// <param name="name">Layer name.</param>
    public Activation(string activation, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        Function = ActivationFunction.Get(activation);
    }

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training) => Function.Call(inputs);

    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["activation"] = Function.Name; return c; }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
