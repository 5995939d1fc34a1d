namespace Graft.Initializers;

/// <summary>Glorot (Xavier) uniform: limit √(6 / (fan_in + fan_out)). Keras's default kernel initializer.</summary>
public sealed class GlorotUniform() : VarianceScaling(1.0, "fan_avg", "uniform");
