using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>N(mean, stddev²); Keras's defaults mean 0, stddev 0.05.</summary>
public sealed class RandomNormal(float mean = 0f, float stddev = 0.05f) : Initializer
{
    /// <summary>Mean.</summary>
    public float Mean { get; } = mean;
    /// <summary>Standard deviation.</summary>
    public float Stddev { get; } = stddev;
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.RandomNormal(shape, Mean, Stddev, Generator);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c["mean"] = Mean; c["stddev"] = Stddev; return c; }
}
