namespace Graft.Metrics;

/// <summary>Over everything seen, the best specificity at a threshold whose sensitivity (recall) is at least <see cref="SensitivitySpecificityBase.Value"/> (0 if none); see <see cref="SensitivitySpecificityBase"/>.</summary>
/// <param name="sensitivity">The sensitivity to reach, in [0, 1].</param>
/// <param name="numThresholds">Number of thresholds (Keras's default 200).</param>
/// <param name="classId">The class column counted, or null for every value.</param>
/// <param name="name">Name in logs.</param>
public sealed class SpecificityAtSensitivity(float sensitivity, int numThresholds = 200, int? classId = null, string name = "specificity_at_sensitivity")
    : SensitivitySpecificityBase(sensitivity, numThresholds, classId, name)
{
    /// <inheritdoc/>
    public override double Result() => MaxUnderConstraint(Sensitivity, Specificity);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SpecificityAtSensitivity(Value, NumThresholds, ClassId, Name);
}
