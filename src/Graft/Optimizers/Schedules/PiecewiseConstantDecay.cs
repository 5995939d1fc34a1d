namespace Graft.Optimizers.Schedules;

/// <summary>values[0] up to boundaries[0], values[1] up to boundaries[1], …, values[^1] after.</summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    /// <param name="boundaries">Increasing step boundaries.</param>
    /// <param name="values">One more value than boundaries.</param>
    public PiecewiseConstantDecay(long[] boundaries, double[] values)
    {
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"PiecewiseConstantDecay: expected {boundaries.Length + 1} values for {boundaries.Length} boundaries, got {values.Length}.");
        Boundaries = boundaries; Values = values;
    }

    /// <summary>Step boundaries.</summary>
    public long[] Boundaries { get; }
    /// <summary>Rates per interval.</summary>
    public double[] Values { get; }

    /// <inheritdoc/>
    public override double Call(long step)
    {
        for (int i = 0; i < Boundaries.Length; i++) if (step <= Boundaries[i]) return Values[i];
        return Values[^1];
    }
}
