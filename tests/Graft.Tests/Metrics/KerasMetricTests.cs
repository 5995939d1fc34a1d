using Graft.Metrics;
using Graft.Tensors;

namespace Graft.Tests.Metrics;

/// <summary>
/// The metrics against the values in Keras 3's docstrings (keras/src/metrics/*.py), accumulated over
/// more than one batch where Keras's state spans batches, and against their formulas by hand.
/// </summary>
public class KerasMetricTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);

    private static double Run(Metric m, params (Tensor y, Tensor p)[] batches)
    {
        foreach (var (y, p) in batches) m.UpdateState(y, p);
        return m.Result();
    }

    [Fact]
    public void ConfusionCounts()
    {
        Assert.Equal(2.0, Run(new TruePositives(), (T(0, 1, 1, 1), T(1, 0, 1, 1))));
        Assert.Equal(2.0, Run(new FalsePositives(), (T(0, 1, 0, 0), T(0, 0, 1, 1))));
        Assert.Equal(2.0, Run(new TrueNegatives(), (T(0, 1, 0, 0), T(1, 1, 0, 0))));
        Assert.Equal(2.0, Run(new FalseNegatives(), (T(0, 1, 1, 1), T(0, 1, 0, 0))));
        // Counts add up over batches; a threshold moves the decision; reset forgets.
        var tp = (TruePositives)Metric.Get("true_positives");
        Assert.Equal(3.0, Run(tp, (T(1, 1), T(0.6f, 0.4f)), (T(1, 1, 0), T(0.9f, 0.7f, 0.8f))));
        tp.ResetState();
        Assert.Equal(0.0, tp.Result());
        Assert.Equal(1.0, Run(new TruePositives(threshold: 0.75f), (T(1, 1, 0), T(0.9f, 0.7f, 0.8f))));
        Assert.Equal(1.0, Run(new FalsePositives(threshold: 0.75f), (T(1, 1, 0), T(0.9f, 0.7f, 0.8f))));
        Assert.IsType<FalseNegatives>(Metric.Get("false_negatives").CloneEmpty());
    }

    [Fact]
    public void RootMeanSquaredErrorAndR2()
    {
        Assert.Equal(0.5, Run(Metric.Get("root_mean_squared_error"), (M(2, 0, 1, 0, 0), M(2, 1, 1, 0, 0))), 6);
        // Accumulated as sums, not as a mean of batch roots.
        Assert.Equal(Math.Sqrt((1 + 4 + 0) / 3.0), Run(new RootMeanSquaredError(), (T(0), T(1)), (T(1, 2), T(3, 2))), 6);
        Assert.Equal(0.57142854, Run(new R2Score(), (M(3, 1, 4, 3), M(3, 2, 4, 4))), 6);
        // Over two batches, the same as over one.
        Assert.Equal(0.57142854, Run(new R2Score(), (M(1, 1), M(1, 2)), (M(2, 4, 3), M(2, 4, 4))), 6);
        // Two columns: uniform and variance-weighted averages, and the adjusted score.
        var y = M(4, 1, 10, 2, 20, 3, 30, 4, 45); var p = M(4, 1.5f, 12, 2, 18, 2.5f, 33, 4, 40);
        double[] yt = y.ToArray().Select(v => (double)v).ToArray(), yp = p.ToArray().Select(v => (double)v).ToArray();
        (double r2, double tot) Column(int c)
        {
            var t = Enumerable.Range(0, 4).Select(r => yt[r * 2 + c]).ToArray();
            double mean = t.Average(), ssTot = t.Sum(v => (v - mean) * (v - mean));
            double ssRes = Enumerable.Range(0, 4).Sum(r => Math.Pow(yt[r * 2 + c] - yp[r * 2 + c], 2));
            return (1 - ssRes / ssTot, ssTot);
        }
        var (a, ta) = Column(0); var (b, tb) = Column(1);
        Assert.Equal((a + b) / 2, Run(new R2Score(), (y, p)), 5);
        Assert.Equal((a * ta + b * tb) / (ta + tb), Run(new R2Score("variance_weighted_average"), (y, p)), 5);
        Assert.Equal(1 - (1 - (a + b) / 2) * 3 / (4 - 1 - 1), Run(new R2Score(numRegressors: 1), (y, p)), 5);
        Assert.Throws<NotSupportedException>(() => new R2Score(classAggregation: null!));
        Assert.Contains("expected 2D targets", Assert.Throws<ArgumentException>(() => new R2Score().UpdateState(T(1, 2), T(1, 2))).Message);
    }

    [Fact]
    public void CrossEntropyMetrics()
    {
        Assert.Equal(0.81492424, Run(Metric.Get("binary_crossentropy"), (M(2, 0, 1, 0, 0), M(2, 0.6f, 0.4f, 0.4f, 0.6f))), 5);
        var y = M(2, 0, 1, 0, 0, 0, 1); var p = M(2, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f);
        Assert.Equal(1.1769392, Run(Metric.Get("categorical_crossentropy"), (y, p)), 5);
        Assert.Equal(1.1769392, Run(Metric.Get("sparse_categorical_crossentropy"), (T(1, 2), p)), 5);
        // A mean over samples, not over batches: batches of 1 and 3 samples.
        var m = new Graft.Metrics.BinaryCrossentropy(fromLogits: true);
        Run(m, (M(1, 1), M(1, 0f)), (M(3, 0, 1, 1), M(3, 0f, 0f, 0f)));
        Assert.Equal(Math.Log(2), m.Result(), 5);
    }

    private static void Near(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void FScores()
    {
        var y = M(3, 1, 1, 1, 1, 0, 0, 1, 1, 0);
        var p = M(3, 0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0.0f);
        var f1 = new F1Score(threshold: 0.5f);
        f1.UpdateState(y, p);
        Near([0.5, 0.8, 0.6666667], f1.ClassResults(), 1e-6);
        Assert.Contains("average=None", Assert.Throws<NotSupportedException>(() => f1.Result()).Message);
        var f2 = new FBetaScore(beta: 2, threshold: 0.5f);
        f2.UpdateState(y, p);
        Near([0.3846154, 0.90909094, 0.8333334], f2.ClassResults(), 1e-6);
        Assert.Equal((0.5 + 0.8 + 0.6666667) / 3, Run(new F1Score("macro", 0.5f), (y, p)), 5);
        // Weighted by each class's positives (3, 2, 1).
        Assert.Equal((0.5 * 3 + 0.8 * 2 + 0.6666667 * 1) / 6, Run(new F1Score("weighted", 0.5f), (y, p)), 5);
        // Micro: counts pooled, TP 4, FP 2, FN 2.
        double precision = 4.0 / 6, recall = 4.0 / 6;
        Assert.Equal(2 * precision * recall / (precision + recall), Run(new F1Score("micro", 0.5f), (y, p)), 5);
        // Without a threshold the row's largest prediction is the positive one.
        Assert.Equal([1.0, 0.0, 0.0], Run2(new F1Score(), (M(2, 1, 0, 0, 1, 0, 0), M(2, 0.5f, 0.3f, 0.2f, 0.4f, 0.1f, 0.1f))), new PrecisionComparer(5));
    }

    private static double[] Run2(FBetaScore m, params (Tensor y, Tensor p)[] batches)
    {
        foreach (var (y, p) in batches) m.UpdateState(y, p);
        return m.ClassResults();
    }

    private sealed class PrecisionComparer(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Round(a, digits) == Math.Round(b, digits);
        public int GetHashCode(double v) => Math.Round(v, digits).GetHashCode();
    }

    [Fact]
    public void IntersectionOverUnion()
    {
        Assert.Equal(0.33333334, Run(new IoU(2, [0]), (T(0, 0, 1, 1), T(0, 1, 0, 1))), 6);
        Assert.Equal(0.33333334, Run(new MeanIoU(2), (T(0, 0, 1, 1), T(0, 1, 0, 1))), 6);
        Assert.Equal(0.33333334, Run(new BinaryIoU([0, 1], threshold: 0.3f), (T(0, 1, 0, 1), T(0.1f, 0.2f, 0.4f, 0.7f))), 6);
        // One-hot: targets [2, 0, 1, 0], predictions by argmax [2, 2, 0, 0]; cm rows true, columns predicted.
        var yt = M(4, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0);
        var yp = M(4, 0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f);
        // Row 4 predicts class 2 (0.5): predictions [2, 2, 0, 2]. Class 0: TP 0, row 2, col 1 → 0/3;
        // class 2: TP 1, row 1, col 3 → 1/3.
        Assert.Equal((0.0 + 1.0 / 3) / 2, Run(new OneHotIoU(3, [0, 2]), (yt, yp)), 6);
        // A class absent from targets and predictions counts in no average; ignored targets and
        // out-of-range ids are skipped.
        Assert.Equal(1.0, Run(new MeanIoU(3), (T(0, 1), T(0, 1))), 6);
        Assert.Equal(1.0, Run(new MeanIoU(3, ignoreClass: 2), (T(0, 1, 2, 7), T(0, 1, 0, 1))), 6);
        Assert.Throws<ArgumentException>(() => new IoU(2, [2]));
    }

    [Fact]
    public void RatesAtARate()
    {
        var y = T(0, 0, 0, 1, 1); var p = T(0, 0.3f, 0.8f, 0.3f, 0.8f);
        Assert.Equal(0.5, Run(new SensitivityAtSpecificity(0.5f), (y, p)), 6);
        Assert.Equal(0.66666667, Run(new SpecificityAtSensitivity(0.5f), (y, p)), 6);
        Assert.Equal(0.5, Run(new PrecisionAtRecall(0.5f), (y, p)), 6);
        Assert.Equal(0.5, Run(new RecallAtPrecision(0.8f), (T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f))), 6);
        // Keras's weighted docstring cases, integer weights as repeated samples: [1, 0, 0, 1] and [1, 1, 2, 2, 1].
        Assert.Equal(1.0, Run(new RecallAtPrecision(0.8f), (T(0, 1), T(0, 0.9f))), 6);
        Assert.Equal(0.333333, Run(new SensitivityAtSpecificity(0.5f), (T(0, 0, 0, 0, 1, 1, 1), T(0, 0.3f, 0.8f, 0.8f, 0.3f, 0.3f, 0.8f))), 6);
        // The same cases with the weights themselves.
        var recallAtPrecision = new RecallAtPrecision(0.8f);
        recallAtPrecision.UpdateState(T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f), T(1, 0, 0, 1));
        Assert.Equal(1.0, recallAtPrecision.Result(), 6);
        var sensitivity = new SensitivityAtSpecificity(0.5f);
        sensitivity.UpdateState(y, p, T(1, 1, 2, 2, 1));
        Assert.Equal(0.333333, sensitivity.Result(), 6);
        // class_id picks one column.
        Assert.Equal(0.5, Run(new PrecisionAtRecall(0.5f, classId: 1), (M(5, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1), M(5, 9, 0, 9, 0.3f, 9, 0.8f, 9, 0.3f, 9, 0.8f))), 6);
    }

    [Fact]
    public void AucCurvesAndLabels()
    {
        var y = T(0, 0, 1, 1); var p = T(0, 0.5f, 0.3f, 0.9f);
        Assert.Equal(0.75, Run(new AUC(numThresholds: 3), (y, p)), 6);
        var logits = T(-30f, 0f, MathF.Log(0.3f / 0.7f), MathF.Log(0.9f / 0.1f));
        Assert.Equal(0.75, Run(new AUC(numThresholds: 3, fromLogits: true), (y, logits)), 6);
        // PR, Davis–Goadrich interpolation: tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2].
        double unweighted = (1.0 / 3) * (1 + (2.0 / 3) * Math.Log(4)) / 2 + 1.0 / 2;
        Assert.Equal(unweighted, Run(new AUC(numThresholds: 3, curve: "PR"), (y, p)), 6);
        // Keras's weighted case (weights as repeats): 2.416 / 7 + 4 / 7.
        var yw = T(0, 0, 0, 1, 1, 1, 1, 1, 1, 1); var pw = T(0, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f, 0.9f, 0.9f, 0.9f, 0.9f);
        Assert.Equal((1.5 + Math.Log(2.5)) / 7 + 4.0 / 7, Run(new AUC(numThresholds: 3, curve: "PR"), (yw, pw)), 6);
        // And with Keras's sample_weight [1, 2, 3, 4] itself.
        var pr = new AUC(numThresholds: 3, curve: "PR");
        pr.UpdateState(y, p, T(1, 2, 3, 4));
        Assert.Equal((1.5 + Math.Log(2.5)) / 7 + 4.0 / 7, pr.Result(), 6);
        // PR with Riemann sums: recall [1, 0.5, 0], precision [0.5, 1, 0].
        Assert.Equal(0.5 * 0.5 + 0.5 * 0, Run(new AUC(numThresholds: 3, curve: "PR", summationMethod: "minoring"), (y, p)), 6);
        Assert.Equal(0.5 * 1 + 0.5 * 1, Run(new AUC(numThresholds: 3, curve: "PR", summationMethod: "majoring"), (y, p)), 6);
        // Multi-label: one ROC curve per column (0.875 and 1), averaged.
        var ym = M(4, 0, 0, 0, 0, 1, 1, 1, 1); var pm = M(4, 0, 0.1f, 0.5f, 0.2f, 0.3f, 0.3f, 0.9f, 0.4f);
        Assert.Equal((0.875 + 1.0) / 2, Run(new AUC(numThresholds: 5, multiLabel: true), (ym, pm)), 6);
        Assert.NotEqual(Run(new AUC(numThresholds: 5, multiLabel: true), (ym, pm)), Run(new AUC(numThresholds: 5), (ym, pm)), 6);
        Assert.Throws<ArgumentException>(() => new AUC(curve: "DET"));
    }
}
