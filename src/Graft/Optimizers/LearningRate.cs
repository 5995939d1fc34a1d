using Graft.Optimizers.Schedules;

namespace Graft.Optimizers;

/// <summary>A fixed learning rate or a schedule; a number or a schedule converts to it implicitly.</summary>
public sealed class LearningRate
{
    private LearningRate(double value, LearningRateSchedule? schedule) { Value = value; Schedule = schedule; }

    /// <summary>The fixed value (ignored when a schedule is set).</summary>
    public double Value { get; }

    /// <summary>The schedule, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>A fixed rate.</summary>
    public static implicit operator LearningRate(double value) =>
        value >= 0 && double.IsFinite(value) ? new(value, null)
        : throw new ArgumentOutOfRangeException(nameof(value), $"LearningRate: expected a finite learning rate >= 0, got {value}.");

    /// <summary>A schedule evaluated at each step.</summary>
    public static implicit operator LearningRate(LearningRateSchedule schedule) => new(0, schedule ?? throw new ArgumentNullException(nameof(schedule)));
}
