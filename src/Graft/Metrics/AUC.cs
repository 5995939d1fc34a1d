using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// Area under the ROC curve from confusion counts at <see cref="NumThresholds"/> evenly spaced
/// thresholds (Keras's default 200, endpoints nudged by 1e−7), summed with the trapezoid rule.
/// </summary>
public sealed class AUC : Metric
{
    private readonly double[] _tp, _fp, _fn, _tn;
    private readonly float[] _thresholds;

    /// <param name="numThresholds">Number of thresholds (&gt; 1).</param>
    /// <param name="name">Name in logs.</param>
    public AUC(int numThresholds = 200, string name = "auc") : base(name)
    {
        if (numThresholds <= 1) throw new ArgumentOutOfRangeException(nameof(numThresholds), $"AUC: expected num_thresholds > 1, got {numThresholds}.");
        NumThresholds = numThresholds;
        _thresholds = new float[numThresholds];
        for (int i = 0; i < numThresholds; i++) _thresholds[i] = (float)i / (numThresholds - 1);
        _thresholds[0] = -1e-7f; _thresholds[^1] = 1f + 1e-7f;
        _tp = new double[numThresholds]; _fp = new double[numThresholds]; _fn = new double[numThresholds]; _tn = new double[numThresholds];
    }

    /// <summary>Number of thresholds.</summary>
    public int NumThresholds { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        for (int i = 0; i < p.Length; i++)
        {
            bool pos = t[i] >= 0.5f;
            for (int k = 0; k < NumThresholds; k++)
            {
                bool predicted = p[i] > _thresholds[k];
                if (pos) { if (predicted) _tp[k]++; else _fn[k]++; }
                else { if (predicted) _fp[k]++; else _tn[k]++; }
            }
        }
    }

    /// <inheritdoc/>
    public override double Result()
    {
        double area = 0;
        for (int k = 0; k < NumThresholds - 1; k++)
        {
            double tpr0 = Rate(_tp[k], _fn[k]), tpr1 = Rate(_tp[k + 1], _fn[k + 1]);
            double fpr0 = Rate(_fp[k], _tn[k]), fpr1 = Rate(_fp[k + 1], _tn[k + 1]);
            area += (fpr0 - fpr1) * (tpr0 + tpr1) / 2;
        }
        return area;
    }

    private static double Rate(double a, double b) => a + b == 0 ? 0 : a / (a + b);

    /// <inheritdoc/>
    public override void ResetState() { Array.Clear(_tp); Array.Clear(_fp); Array.Clear(_fn); Array.Clear(_tn); }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new AUC(NumThresholds, Name);
}
