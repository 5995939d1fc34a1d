using Graft.Metrics;
using Graft.Tensors;

namespace Graft.Tests.Metrics;

/// <summary>
/// The <c>update_state</c> / <c>result</c> examples in Keras 3's metric docstrings
/// (keras/src/metrics/confusion_metrics.py, iou_metrics.py, regression_metrics.py,
/// probabilistic_metrics.py) that <see cref="KerasMetricTests"/> does not already reproduce.
/// A docstring case with weights runs twice: with Keras's weights passed to <c>UpdateState</c>, and, where the
/// metric is a ratio of weighted counts or a weighted mean (unchanged when the weights are scaled), with
/// the weights scaled to integers as that many copies of each sample (a weight of 0 drops it).
/// </summary>
public class KerasDocstringMetricTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);

    private static double Run(Metric m, Tensor y, Tensor p)
    {
        m.UpdateState(y, p);
        return m.Result();
    }

    /// <summary>Each sample (row along the first axis) repeated as many times as its integer weight.</summary>
    private static Tensor Repeat(Tensor t, params int[] times)
    {
        var rows = Enumerable.Range(0, times.Length).SelectMany(i => Enumerable.Repeat(i, times[i])).ToArray();
        int width = t.Size / t.Shape[0];
        float[] v = t.ToArray();
        var values = rows.SelectMany(r => v.Skip(r * width).Take(width)).ToArray();
        return Tensor.FromArray(values, [rows.Length, .. t.Shape.ToArray()[1..]]);
    }

    private static double Weighted(Metric m, Tensor y, Tensor p, params int[] times) => Run(m, Repeat(y, times), Repeat(p, times));

    /// <summary>Keras's call itself: <c>m.update_state(y, p, sample_weight=w)</c>.</summary>
    private static double Direct(Metric m, Tensor y, Tensor p, params float[] w)
    {
        m.UpdateState(y, p, T(w));
        return m.Result();
    }

    [Fact]
    public void ConfusionCountsWithWeights()
    {
        // sample_weight [0, 0, 1, 0]: only the third sample counts.
        Assert.Equal(1.0, Weighted(new TruePositives(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0));
        Assert.Equal(1.0, Direct(new TruePositives(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0));
        Assert.Equal(1.0, Weighted(new FalsePositives(), T(0, 1, 0, 0), T(0, 0, 1, 1), 0, 0, 1, 0));
        Assert.Equal(1.0, Direct(new FalsePositives(), T(0, 1, 0, 0), T(0, 0, 1, 1), 0, 0, 1, 0));
        Assert.Equal(1.0, Weighted(new TrueNegatives(), T(0, 1, 0, 0), T(1, 1, 0, 0), 0, 0, 1, 0));
        Assert.Equal(1.0, Direct(new TrueNegatives(), T(0, 1, 0, 0), T(1, 1, 0, 0), 0, 0, 1, 0));
        Assert.Equal(1.0, Weighted(new FalseNegatives(), T(0, 1, 1, 1), T(0, 1, 0, 0), 0, 0, 1, 0));
        Assert.Equal(1.0, Direct(new FalseNegatives(), T(0, 1, 1, 1), T(0, 1, 0, 0), 0, 0, 1, 0));
    }

    [Fact]
    public void PrecisionAndRecall()
    {
        Assert.Equal(0.6666667, Run(new Precision(), T(0, 1, 1, 1), T(1, 0, 1, 1)), 6);
        Assert.Equal(1.0, Weighted(new Precision(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0), 6);
        Assert.Equal(1.0, Direct(new Precision(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0), 6);
        Assert.Equal(0.6666667, Run(new Recall(), T(0, 1, 1, 1), T(1, 0, 1, 1)), 6);
        Assert.Equal(1.0, Weighted(new Recall(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0), 6);
        Assert.Equal(1.0, Direct(new Recall(), T(0, 1, 1, 1), T(1, 0, 1, 1), 0, 0, 1, 0), 6);
    }

    [Fact]
    public void RatesAtARateWithWeights()
    {
        var y = T(0, 0, 0, 1, 1); var p = T(0, 0.3f, 0.8f, 0.3f, 0.8f);
        Assert.Equal(0.5, Weighted(new SpecificityAtSensitivity(0.5f), y, p, 1, 1, 2, 2, 2), 6);
        Assert.Equal(0.5, Direct(new SpecificityAtSensitivity(0.5f), y, p, 1, 1, 2, 2, 2), 6);
        Assert.Equal(0.33333333, Weighted(new PrecisionAtRecall(0.5f), y, p, 2, 2, 2, 1, 1), 6);
        Assert.Equal(0.33333333, Direct(new PrecisionAtRecall(0.5f), y, p, 2, 2, 2, 1, 1), 6);
        // AUC(num_thresholds=3) with sample_weight [1, 0, 0, 1]: 1.0.
        Assert.Equal(1.0, Weighted(new AUC(numThresholds: 3), T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f), 1, 0, 0, 1), 6);
        Assert.Equal(1.0, Direct(new AUC(numThresholds: 3), T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f), 1, 0, 0, 1), 6);
    }

    [Fact]
    public void IntersectionOverUnionWithWeights()
    {
        var y = T(0, 0, 1, 1); var p = T(0, 1, 0, 1);
        // sample_weight [0.3, 0.3, 0.3, 0.1] as 3, 3, 3, 1 copies.
        Assert.Equal(0.33333334, Weighted(new IoU(2, [0]), y, p, 3, 3, 3, 1), 6);
        Assert.Equal(0.33333334, Direct(new IoU(2, [0]), y, p, 0.3f, 0.3f, 0.3f, 0.1f), 6);
        Assert.Equal(0.23809525, Weighted(new MeanIoU(2), y, p, 3, 3, 3, 1), 6);
        Assert.Equal(0.23809525, Direct(new MeanIoU(2), y, p, 0.3f, 0.3f, 0.3f, 0.1f), 6);
        // BinaryIoU(target_class_ids=[0, 1], threshold=0.3), sample_weight [0.2, 0.3, 0.4, 0.1].
        Assert.Equal(0.17361112, Weighted(new BinaryIoU([0, 1], threshold: 0.3f), T(0, 1, 0, 1), T(0.1f, 0.2f, 0.4f, 0.7f), 2, 3, 4, 1), 6);
        Assert.Equal(0.17361112, Direct(new BinaryIoU([0, 1], threshold: 0.3f), T(0, 1, 0, 1), T(0.1f, 0.2f, 0.4f, 0.7f), 0.2f, 0.3f, 0.4f, 0.1f), 6);
        // OneHotIoU(num_classes=3, target_class_ids=[0, 2]), sample_weight [0.1, 0.2, 0.3, 0.4]:
        // (0 / 0.9 + 0.1 / 0.7) / 2, which the docstring prints as 0.071.
        var yt = M(4, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0);
        var yp = M(4, 0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f);
        Assert.Equal(0.071, Weighted(new OneHotIoU(3, [0, 2]), yt, yp, 1, 2, 3, 4), 3);
        Assert.Equal((0.0 + 0.1 / 0.7) / 2, Weighted(new OneHotIoU(3, [0, 2]), yt, yp, 1, 2, 3, 4), 6);
        Assert.Equal(0.071, Direct(new OneHotIoU(3, [0, 2]), yt, yp, 0.1f, 0.2f, 0.3f, 0.4f), 3);
    }

    [Fact]
    public void RegressionMetrics()
    {
        var y = M(2, 0, 1, 0, 0); var p = M(2, 1, 1, 0, 0);
        Assert.Equal(0.25, Run(new Graft.Metrics.MeanSquaredError(), y, p), 6);
        Assert.Equal(0.25, Run(new Graft.Metrics.MeanAbsoluteError(), y, p), 6);
        // sample_weight [1, 0]: only the first row.
        Assert.Equal(0.5, Weighted(new Graft.Metrics.MeanAbsoluteError(), y, p, 1, 0), 6);
        Assert.Equal(0.5, Direct(new Graft.Metrics.MeanAbsoluteError(), y, p, 1, 0), 6);
        Assert.Equal(0.70710677, Weighted(new RootMeanSquaredError(), y, p, 1, 0), 6);
        Assert.Equal(0.70710677, Direct(new RootMeanSquaredError(), y, p, 1, 0), 6);
    }

    [Fact]
    public void CrossEntropyMetricsWithWeights()
    {
        // BinaryCrossentropy, sample_weight [1, 0]: 0.9162905.
        Assert.Equal(0.9162905, Weighted(new Graft.Metrics.BinaryCrossentropy(), M(2, 0, 1, 0, 0), M(2, 0.6f, 0.4f, 0.4f, 0.6f), 1, 0), 5);
        Assert.Equal(0.9162905, Direct(new Graft.Metrics.BinaryCrossentropy(), M(2, 0, 1, 0, 0), M(2, 0.6f, 0.4f, 0.4f, 0.6f), 1, 0), 5);
        // Categorical and sparse, sample_weight [0.3, 0.7] as 3 and 7 copies: 1.6271976.
        var p = M(2, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f);
        Assert.Equal(1.6271976, Weighted(new Graft.Metrics.CategoricalCrossentropy(), M(2, 0, 1, 0, 0, 0, 1), p, 3, 7), 5);
        Assert.Equal(1.6271976, Direct(new Graft.Metrics.CategoricalCrossentropy(), M(2, 0, 1, 0, 0, 0, 1), p, 0.3f, 0.7f), 5);
        Assert.Equal(1.6271976, Weighted(new Graft.Metrics.SparseCategoricalCrossentropy(), T(1, 2), p, 3, 7), 5);
        Assert.Equal(1.6271976, Direct(new Graft.Metrics.SparseCategoricalCrossentropy(), T(1, 2), p, 0.3f, 0.7f), 5);
    }

    [Fact]
    public void Accuracies()
    {
        // keras/src/metrics/accuracy_metrics.py.
        var yb = M(4, 1, 1, 0, 0); var pb = M(4, 0.98f, 1, 0, 0.6f);
        Assert.Equal(0.75, Run(new BinaryAccuracy(), yb, pb), 6);
        Assert.Equal(0.5, Weighted(new BinaryAccuracy(), yb, pb, 1, 0, 0, 1), 6);
        Assert.Equal(0.5, Direct(new BinaryAccuracy(), yb, pb, 1, 0, 0, 1), 6);
        // Categorical, sparse and top-1: sample_weight [0.7, 0.3] as 7 and 3 copies gives 0.3.
        var y = M(2, 0, 0, 1, 0, 1, 0); var p = M(2, 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0);
        Assert.Equal(0.5, Run(new CategoricalAccuracy(), y, p), 6);
        Assert.Equal(0.3, Weighted(new CategoricalAccuracy(), y, p, 7, 3), 6);
        Assert.Equal(0.3, Direct(new CategoricalAccuracy(), y, p, 0.7f, 0.3f), 6);
        Assert.Equal(0.5, Run(new TopKCategoricalAccuracy(k: 1), y, p), 6);
        Assert.Equal(0.3, Weighted(new TopKCategoricalAccuracy(k: 1), y, p, 7, 3), 6);
        Assert.Equal(0.3, Direct(new TopKCategoricalAccuracy(k: 1), y, p, 0.7f, 0.3f), 6);
        Assert.Equal(0.5, Run(new SparseTopKCategoricalAccuracy(k: 1), T(2, 1), p), 6);
        Assert.Equal(0.3, Weighted(new SparseTopKCategoricalAccuracy(k: 1), T(2, 1), p, 7, 3), 6);
        Assert.Equal(0.3, Direct(new SparseTopKCategoricalAccuracy(k: 1), T(2, 1), p, 0.7f, 0.3f), 6);
        var ps = M(2, 0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0);
        Assert.Equal(0.5, Run(new SparseCategoricalAccuracy(), M(2, 2, 1), ps), 6);
        Assert.Equal(0.3, Weighted(new SparseCategoricalAccuracy(), M(2, 2, 1), ps, 7, 3), 6);
        Assert.Equal(0.3, Direct(new SparseCategoricalAccuracy(), M(2, 2, 1), ps, 0.7f, 0.3f), 6);
    }
}
