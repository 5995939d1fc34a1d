using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// The best of one rate among thresholds where another reaches <see cref="Value"/>: (weighted) confusion counts
/// at <see cref="NumThresholds"/> thresholds 0, 1/(n−1), …, 1 (a prediction above one counts
/// positive), accumulated over everything seen. With <see cref="ClassId"/> only that column of
/// (batch, classes) predictions counts. The base of <see cref="SensitivityAtSpecificity"/>,
/// <see cref="SpecificityAtSensitivity"/>, <see cref="PrecisionAtRecall"/> and <see cref="RecallAtPrecision"/>.
/// </summary>
public abstract class SensitivitySpecificityBase : Metric
{
    private readonly float[] _thresholds;
    private protected readonly double[] Tp, Fp, Tn, Fn;

    private protected SensitivitySpecificityBase(float value, int numThresholds, int? classId, string name) : base(name)
    {
        Value = value is >= 0f and <= 1f ? value : throw new ArgumentOutOfRangeException(nameof(value), $"{GetType().Name}: expected a value in [0, 1], got {value}.");
        NumThresholds = numThresholds > 0 ? numThresholds : throw new ArgumentOutOfRangeException(nameof(numThresholds), $"{GetType().Name}: expected num_thresholds > 0, got {numThresholds}.");
        ClassId = classId;
        _thresholds = numThresholds == 1 ? [0.5f] : Enumerable.Range(0, numThresholds).Select(i => i == numThresholds - 1 ? 1f : (float)i / (numThresholds - 1)).ToArray();
        (Tp, Fp, Tn, Fn) = (new double[_thresholds.Length], new double[_thresholds.Length], new double[_thresholds.Length], new double[_thresholds.Length]);
    }

    /// <summary>The rate the constrained statistic must reach.</summary>
    public float Value { get; }
    /// <summary>Number of thresholds.</summary>
    public int NumThresholds { get; }
    /// <summary>The class column counted, or null for every value.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, cols) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"{GetType().Name}: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        if (ClassId is { } c && (c < 0 || c >= cols))
            throw new ArgumentException($"{GetType().Name}: expected class_id in [0, {cols - 1}] for predictions {yPred.Shape}, got {c}.");
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < p.Length; i++)
        {
            if (ClassId is { } id && i % cols != id) continue;
            bool pos = t[i] != 0f;
            double weight = w?[i] ?? 1f;
            for (int k = 0; k < _thresholds.Length; k++)
            {
                bool predicted = p[i] > _thresholds[k];
                if (pos) { if (predicted) Tp[k] += weight; else Fn[k] += weight; }
                else { if (predicted) Fp[k] += weight; else Tn[k] += weight; }
            }
        }
    }

    private protected static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>The largest <paramref name="dependent"/> rate at a threshold where <paramref name="constrained"/> ≥ <see cref="Value"/>; 0 if none.</summary>
    private protected double MaxUnderConstraint(Func<int, double> constrained, Func<int, double> dependent)
    {
        double best = 0;
        for (int k = 0; k < _thresholds.Length; k++)
            if (constrained(k) >= Value) best = Math.Max(best, dependent(k));
        return best;
    }

    private protected double Sensitivity(int k) => DivideNoNan(Tp[k], Tp[k] + Fn[k]);
    private protected double Specificity(int k) => DivideNoNan(Tn[k], Tn[k] + Fp[k]);
    private protected double PrecisionAt(int k) => DivideNoNan(Tp[k], Tp[k] + Fp[k]);

    /// <inheritdoc/>
    public override void ResetState() { Array.Clear(Tp); Array.Clear(Fp); Array.Clear(Tn); Array.Clear(Fn); }
}
