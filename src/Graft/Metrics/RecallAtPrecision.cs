namespace Graft.Metrics;

/// <summary>Over everything seen, the best recall at a threshold whose precision is at least <see cref="SensitivitySpecificityBase.Value"/> (0 if none); see <see cref="SensitivitySpecificityBase"/>.</summary>
/// <param name="precision">The precision to reach, in [0, 1].</param>
/// <param name="numThresholds">Number of thresholds (Keras's default 200).</param>
/// <param name="classId">The class column counted, or null for every value.</param>
/// <param name="name">Name in logs.</param>
public sealed class RecallAtPrecision(float precision, int numThresholds = 200, int? classId = null, string name = "recall_at_precision")
    : SensitivitySpecificityBase(precision, numThresholds, classId, name)
{
    /// <inheritdoc/>
    public override double Result() => MaxUnderConstraint(PrecisionAt, Sensitivity);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new RecallAtPrecision(Value, NumThresholds, ClassId, Name);
}
