namespace Graft.Initializers;

/// <summary>LeCun normal: truncated, stddev √(1 / fan_in); the companion of SELU.</summary>
public sealed class LecunNormal() : VarianceScaling(1.0, "fan_in", "truncated_normal");
