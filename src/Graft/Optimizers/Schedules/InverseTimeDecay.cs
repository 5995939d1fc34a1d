namespace Graft.Optimizers.Schedules;

/// <summary>lr₀ / (1 + rate · step / decaySteps), the ratio floored to whole periods when <see cref="Staircase"/>.</summary>
public sealed class InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false) : LearningRateSchedule
{
    /// <summary>Rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps per decay period.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps), $"InverseTimeDecay: expected decay_steps > 0, got {decaySteps}.");
    /// <summary>Decay per period.</summary>
    public double DecayRate { get; } = decayRate;
    /// <summary>Decay in whole periods.</summary>
    public bool Staircase { get; } = staircase;

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate / (1 + DecayRate * p);
    }
}
