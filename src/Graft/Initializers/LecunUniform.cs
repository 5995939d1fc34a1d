namespace Graft.Initializers;

/// <summary>LeCun uniform: limit √(3 / fan_in).</summary>
public sealed class LecunUniform() : VarianceScaling(1.0, "fan_in", "uniform");
