namespace Graft.Optimizers.Schedules;

/// <summary>A learning rate as a function of the optimizer's step (Keras's <c>optimizers.schedules</c>).</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The rate at <paramref name="step"/> (0 for the first update).</summary>
    public abstract double Call(long step);
}
