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
}
