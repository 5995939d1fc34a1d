using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// Area under the ROC or precision-recall curve (<see cref="Curve"/> <c>"ROC"</c> or <c>"PR"</c>) from
/// confusion counts (weighted by the sample weights) at <see cref="NumThresholds"/> evenly spaced thresholds (Keras's default 200,
/// endpoints nudged by 1e−7). ROC sums trapezoids (or lower/upper Riemann sums with
/// <see cref="SummationMethod"/> <c>"minoring"</c>/<c>"majoring"</c>); PR with <c>"interpolation"</c>
/// integrates precision exactly between thresholds as Davis and Goadrich (2006) do, as Keras does.
/// With <see cref="MultiLabel"/> each column of (batch, labels) predictions gets its own curve and the
/// areas are averaged; otherwise every value counts in one curve.
/// </summary>
public sealed class AUC : Metric
{
    private double[] _tp = [], _fp = [], _fn = [], _tn = [];
    private readonly float[] _thresholds;
    private int _labels;

    /// <param name="numThresholds">Number of thresholds (&gt; 1).</param>
    /// <param name="curve"><c>"ROC"</c> or <c>"PR"</c>.</param>
    /// <param name="summationMethod"><c>"interpolation"</c>, <c>"minoring"</c> or <c>"majoring"</c>.</param>
    /// <param name="name">Name in logs.</param>
    /// <param name="multiLabel">One curve per label column, areas averaged.</param>
    /// <param name="fromLogits">Whether predictions are logits (a sigmoid is applied first).</param>
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string name = "auc",
        bool multiLabel = false, bool fromLogits = false) : base(name)
    {
        if (numThresholds <= 1) throw new ArgumentOutOfRangeException(nameof(numThresholds), $"AUC: expected num_thresholds > 1, got {numThresholds}.");
        Curve = curve.ToUpperInvariant() switch
        {
            "ROC" => "ROC",
            "PR" => "PR",
            _ => throw new ArgumentException($"AUC: expected curve \"ROC\" or \"PR\", got \"{curve}\".", nameof(curve)),
        };
        SummationMethod = summationMethod.ToLowerInvariant() is "interpolation" or "minoring" or "majoring" ? summationMethod.ToLowerInvariant()
            : throw new ArgumentException($"AUC: expected summation_method \"interpolation\", \"minoring\" or \"majoring\", got \"{summationMethod}\".", nameof(summationMethod));
        NumThresholds = numThresholds;
        MultiLabel = multiLabel;
        FromLogits = fromLogits;
        _thresholds = new float[numThresholds];
        for (int i = 0; i < numThresholds; i++) _thresholds[i] = (float)i / (numThresholds - 1);
        _thresholds[0] = -1e-7f; _thresholds[^1] = 1f + 1e-7f;
    }

    /// <summary>Number of thresholds.</summary>
    public int NumThresholds { get; }
    /// <summary><c>"ROC"</c> or <c>"PR"</c>.</summary>
    public string Curve { get; }
    /// <summary>How the area between thresholds is summed.</summary>
    public string SummationMethod { get; }
    /// <summary>Whether each label column has its own curve.</summary>
    public bool MultiLabel { get; }
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, cols) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"AUC: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        if (MultiLabel && yPred.Rank != 2)
            throw new ArgumentException($"AUC: expected predictions of rank 2 (batch, labels) with multi_label, got {yPred.Shape}.");
        int labels = MultiLabel ? cols : 1;
        if (_labels == 0)
        {
            _labels = labels;
            int n = NumThresholds * labels;
            _tp = new double[n]; _fp = new double[n]; _fn = new double[n]; _tn = new double[n];
        }
        else if (_labels != labels) throw new ArgumentException($"AUC: expected {_labels} labels as before, got {labels}.");
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < p.Length; i++)
        {
            float v = FromLogits ? 1f / (1f + MathF.Exp(-p[i])) : p[i];
            bool pos = t[i] >= 0.5f;
            int l = MultiLabel ? i % cols : 0;
            double weight = w?[i] ?? 1f;
            for (int k = 0; k < NumThresholds; k++)
            {
                int j = k * labels + l;
                bool predicted = v > _thresholds[k];
                if (pos) { if (predicted) _tp[j] += weight; else _fn[j] += weight; }
                else { if (predicted) _fp[j] += weight; else _tn[j] += weight; }
            }
        }
    }

    private static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    /// <inheritdoc/>
    public override double Result()
    {
        if (_labels == 0) return 0;
        double total = 0;
        for (int l = 0; l < _labels; l++) total += Curve == "PR" && SummationMethod == "interpolation" ? InterpolatedPr(l) : Riemann(l);
        return total / _labels;
    }

    private double Riemann(int l)
    {
        int L = _labels;
        double area = 0;
        for (int k = 0; k < NumThresholds - 1; k++)
        {
            int a = k * L + l, b = (k + 1) * L + l;
            double recallA = DivideNoNan(_tp[a], _tp[a] + _fn[a]), recallB = DivideNoNan(_tp[b], _tp[b] + _fn[b]);
            double xA, xB, yA, yB;
            if (Curve == "ROC")
            {
                (xA, xB) = (DivideNoNan(_fp[a], _fp[a] + _tn[a]), DivideNoNan(_fp[b], _fp[b] + _tn[b]));
                (yA, yB) = (recallA, recallB);
            }
            else
            {
                (xA, xB) = (recallA, recallB);
                (yA, yB) = (DivideNoNan(_tp[a], _tp[a] + _fp[a]), DivideNoNan(_tp[b], _tp[b] + _fp[b]));
            }
            double height = SummationMethod switch { "interpolation" => (yA + yB) / 2, "minoring" => Math.Min(yA, yB), _ => Math.Max(yA, yB) };
            area += (xA - xB) * height;
        }
        return area;
    }

    /// <summary>Between thresholds A and B precision is (TP_A + slope·(P − P_A)) / P with P the predicted positives; its integral over recall has a closed form.</summary>
    private double InterpolatedPr(int l)
    {
        int L = _labels;
        double area = 0;
        for (int k = 0; k < NumThresholds - 1; k++)
        {
            int a = k * L + l, b = (k + 1) * L + l;
            double dtp = _tp[a] - _tp[b];
            double pA = _tp[a] + _fp[a], pB = _tp[b] + _fp[b];
            double slope = DivideNoNan(dtp, Math.Max(pA - pB, 0));
            double intercept = _tp[b] - slope * pB;
            double ratio = pA > 0 && pB > 0 ? DivideNoNan(pA, Math.Max(pB, 0)) : 1;
            area += DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(_tp[b] + _fn[b], 0));
        }
        return area;
    }

    /// <inheritdoc/>
    public override void ResetState() { _tp = []; _fp = []; _fn = []; _tn = []; _labels = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new AUC(NumThresholds, Curve, SummationMethod, Name, MultiLabel, FromLogits);
}
