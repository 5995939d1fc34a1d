namespace Graft.Optimizers.Schedules;

/// <summary>
/// (lr₀ − lr_end)·(1 − step/decaySteps)^power + lr_end, held at lr_end after decaySteps; with
/// <see cref="Cycle"/> the horizon grows to the next multiple of decaySteps instead (Keras's rule).
/// </summary>
public sealed class PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate = 0.0001, double power = 1.0, bool cycle = false)
    : LearningRateSchedule
{
    /// <summary>Rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps to reach the end rate.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps), $"PolynomialDecay: expected decay_steps > 0, got {decaySteps}.");
    /// <summary>Rate at the end.</summary>
    public double EndLearningRate { get; } = endLearningRate;
    /// <summary>Exponent of the polynomial.</summary>
    public double Power { get; } = power;
    /// <summary>Whether the decay restarts past decaySteps.</summary>
    public bool Cycle { get; } = cycle;

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double s = step, horizon = DecaySteps;
        if (Cycle) horizon *= step == 0 ? 1 : Math.Ceiling(s / DecaySteps);
        else s = Math.Min(s, horizon);
        return (InitialLearningRate - EndLearningRate) * Math.Pow(1 - s / horizon, Power) + EndLearningRate;
    }
}
