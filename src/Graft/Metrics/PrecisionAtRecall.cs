namespace Graft.Metrics;

/// <summary>Over everything seen, the best precision at a threshold whose recall is at least <see cref="SensitivitySpecificityBase.Value"/> (0 if none); see <see cref="SensitivitySpecificityBase"/>.</summary>
/// <param name="recall">The recall to reach, in [0, 1].</param>
/// <param name="numThresholds">Number of thresholds (Keras's default 200).</param>
/// <param name="classId">The class column counted, or null for every value.</param>
/// <param name="name">Name in logs.</param>
public sealed class PrecisionAtRecall(float recall, int numThresholds = 200, int? classId = null, string name = "precision_at_recall")
    : SensitivitySpecificityBase(recall, numThresholds, classId, name)
{
    /// <inheritdoc/>
    public override double Result() => MaxUnderConstraint(Sensitivity, PrecisionAt);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new PrecisionAtRecall(Value, NumThresholds, ClassId, Name);
}
