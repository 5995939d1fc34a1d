using System.Text.Json.Nodes;
using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>
/// Keras's VarianceScaling: samples with variance scale / n, n = fan_in, fan_out or their mean.
/// "truncated_normal" divides the stddev by 0.87962566 (the stddev of a unit normal truncated at
/// ±2σ) so the variance is exact; "uniform" uses limit √(3·scale / n).
/// </summary>
public class VarianceScaling : Initializer
{
    /// <param name="scale">Variance factor (&gt; 0).</param>
    /// <param name="mode">"fan_in", "fan_out" or "fan_avg".</param>
    /// <param name="distribution">"truncated_normal", "untruncated_normal" or "uniform".</param>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal")
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), $"VarianceScaling: expected scale > 0, got {scale}.");
        if (mode is not ("fan_in" or "fan_out" or "fan_avg")) throw new ArgumentException($"VarianceScaling: expected mode fan_in, fan_out or fan_avg, got '{mode}'.");
        if (distribution == "normal") distribution = "truncated_normal"; // Keras 2's alias
        if (distribution is not ("truncated_normal" or "untruncated_normal" or "uniform"))
            throw new ArgumentException($"VarianceScaling: expected distribution truncated_normal, untruncated_normal or uniform, got '{distribution}'.");
        Scale = scale; Mode = mode; Distribution = distribution;
    }

    /// <summary>Variance factor.</summary>
    public double Scale { get; }
    /// <summary>Which fan divides the scale.</summary>
    public string Mode { get; }
    /// <summary>The sampling distribution.</summary>
    public string Distribution { get; }

    /// <inheritdoc/>
    public override Tensor Call(int[] shape)
    {
        var (fanIn, fanOut) = Fans(shape);
        double n = Mode switch { "fan_in" => fanIn, "fan_out" => fanOut, _ => (fanIn + fanOut) / 2 };
        double s = Scale / Math.Max(1.0, n);
        return Distribution switch
        {
            "truncated_normal" => Tensor.TruncatedNormal(shape, 0f, (float)(Math.Sqrt(s) / 0.87962566103423978), Generator),
            "untruncated_normal" => Tensor.RandomNormal(shape, 0f, (float)Math.Sqrt(s), Generator),
            _ => Tensor.RandomUniform(shape, -(float)Math.Sqrt(3 * s), (float)Math.Sqrt(3 * s), Generator),
        };
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        if (GetType() == typeof(VarianceScaling))
        {
            c["scale"] = Scale; c["mode"] = Mode; c["distribution"] = Distribution;
        }
        return c;
    }
}

