namespace Graft.Optimizers.Schedules;

/// <summary>
/// Optional linear warmup from the initial rate to <see cref="WarmupTarget"/> over
/// <see cref="WarmupSteps"/>, then cosine decay to alpha × the peak over <see cref="DecaySteps"/>
/// (Keras's <c>CosineDecay</c>).
/// </summary>
public sealed class CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, double? warmupTarget = null, long warmupSteps = 0) : LearningRateSchedule
{
    /// <summary>Rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps of the cosine part.</summary>
    public long DecaySteps { get; } = decaySteps >= 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps), $"CosineDecay: expected decay_steps >= 0, got {decaySteps}.");
    /// <summary>Final fraction of the peak rate.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>Rate reached at the end of warmup, or null for no warmup.</summary>
    public double? WarmupTarget { get; } = warmupTarget;
    /// <summary>Warmup length.</summary>
    public long WarmupSteps { get; } = warmupSteps;

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double peak = InitialLearningRate;
        if (WarmupTarget is { } target)
        {
            if (step < WarmupSteps) return InitialLearningRate + (target - InitialLearningRate) * step / WarmupSteps;
            peak = target;
            step -= WarmupSteps;
        }
        double p = DecaySteps == 0 ? 1 : Math.Min(step, DecaySteps) / (double)DecaySteps;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * p));
        return peak * ((1 - Alpha) * cosine + Alpha);
    }
}
