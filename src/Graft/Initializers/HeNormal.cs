namespace Graft.Initializers;

/// <summary>He normal: truncated, stddev √(2 / fan_in).</summary>
public sealed class HeNormal() : VarianceScaling(2.0, "fan_in", "truncated_normal");
