namespace Graft.Initializers;

/// <summary>He uniform: limit √(6 / fan_in).</summary>
public sealed class HeUniform() : VarianceScaling(2.0, "fan_in", "uniform");
