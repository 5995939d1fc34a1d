namespace Graft.Metrics;

/// <summary>Over everything seen, the best sensitivity (recall) at a threshold whose specificity is at least <see cref="SensitivitySpecificityBase.Value"/> (0 if none); see <see cref="SensitivitySpecificityBase"/>.</summary>
/// <param name="specificity">The specificity to reach, in [0, 1].</param>
/// <param name="numThresholds">Number of thresholds (Keras's default 200).</param>
/// <param name="classId">The class column counted, or null for every value.</param>
/// <param name="name">Name in logs.</param>
public sealed class SensitivityAtSpecificity(float specificity, int numThresholds = 200, int? classId = null, string name = "sensitivity_at_specificity")
    : SensitivitySpecificityBase(specificity, numThresholds, classId, name)
{
    /// <inheritdoc/>
    public override double Result() => MaxUnderConstraint(Specificity, Sensitivity);
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new SensitivityAtSpecificity(Value, NumThresholds, ClassId, Name);
}
