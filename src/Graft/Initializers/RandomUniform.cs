using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>U[minval, maxval); Keras's defaults −0.05, 0.05.</summary>
public sealed class RandomUniform(float minval = -0.05f, float maxval = 0.05f) : Initializer
{
    /// <summary>Lower bound.</summary>
    public float Minval { get; } = minval;
    /// <summary>Upper bound.</summary>
    public float Maxval { get; } = maxval;
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.RandomUniform(shape, Minval, Maxval, Generator);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c["minval"] = Minval; c["maxval"] = Maxval; return c; }
}
