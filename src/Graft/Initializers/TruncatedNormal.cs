using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>N(mean, stddev²) redrawn beyond 2σ; Keras's defaults mean 0, stddev 0.05.</summary>
public sealed class TruncatedNormal(float mean = 0f, float stddev = 0.05f) : Initializer
{
    /// <summary>Mean.</summary>
    public float Mean { get; } = mean;
    /// <summary>Standard deviation before truncation.</summary>
    public float Stddev { get; } = stddev;
    /// <inheritdoc/>
    public override Tensor Call(int[] shape) => Tensor.TruncatedNormal(shape, Mean, Stddev, Generator);
    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c["mean"] = Mean; c["stddev"] = Stddev; return c; }
}
