namespace Graft.Initializers;

/// <summary>Glorot (Xavier) normal: truncated, stddev √(2 / (fan_in + fan_out)).</summary>
public sealed class GlorotNormal() : VarianceScaling(1.0, "fan_avg", "truncated_normal");
