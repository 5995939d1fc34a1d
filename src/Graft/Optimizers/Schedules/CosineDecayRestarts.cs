namespace Graft.Optimizers.Schedules;

/// <summary>
/// Cosine decay with warm restarts (SGDR, Loshchilov and Hutter 2017): each period decays from its
/// peak to α·peak along a half cosine; period i lasts firstDecaySteps·t_mulⁱ steps and peaks at
/// lr₀·m_mulⁱ.
/// </summary>
public sealed class CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul = 2.0, double mMul = 1.0, double alpha = 0.0)
    : LearningRateSchedule
{
    /// <summary>Peak rate of the first period.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps in the first period.</summary>
    public long FirstDecaySteps { get; } = firstDecaySteps > 0 ? firstDecaySteps : throw new ArgumentOutOfRangeException(nameof(firstDecaySteps), $"CosineDecayRestarts: expected first_decay_steps > 0, got {firstDecaySteps}.");
    /// <summary>Growth of each period's length.</summary>
    public double TMul { get; } = tMul;
    /// <summary>Factor on each period's peak.</summary>
    public double MMul { get; } = mMul;
    /// <summary>Floor, as a fraction of the period's peak.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double fraction = (double)step / FirstDecaySteps, restart;
        if (TMul == 1.0)
        {
            restart = Math.Floor(fraction);
            fraction -= restart;
        }
        else
        {
            // Periods 1, t, t², …: the restart index solves Σ tᵏ (k < i) ≤ fraction.
            restart = Math.Floor(Math.Log(1 - fraction * (1 - TMul)) / Math.Log(TMul));
            double before = (1 - Math.Pow(TMul, restart)) / (1 - TMul);
            fraction = (fraction - before) / Math.Pow(TMul, restart);
        }
        double cosine = 0.5 * Math.Pow(MMul, restart) * (1 + Math.Cos(Math.PI * fraction));
        return InitialLearningRate * ((1 - Alpha) * cosine + Alpha);
    }
}
