using Graft.Metrics;
using Graft.Tensors;

namespace Graft.Tests.Metrics;

/// <summary>
/// Sample weights in every metric family, as Keras's <c>update_state(y_true, y_pred, sample_weight)</c>:
/// Keras's weighted docstring cases called with their weights, cases computed by hand, integer weights
/// against repeated samples for every metric, weights per time step, and masks.
/// </summary>
public class WeightedMetricTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);

    private static double Run(Metric m, Tensor y, Tensor p, Tensor? w)
    {
        m.UpdateState(y, p, w);
        return m.Result();
    }

    [Fact]
    public void KerasDocstringCasesWithTheirWeights()
    {
        // keras/src/metrics/reduction_metrics.py, Mean: [1, 3, 5, 7] weighted [1, 1, 0, 0] is 2.
        Assert.Equal(2.0, Run(new MeanMetric(), T(0, 0, 0, 0), T(1, 3, 5, 7), T(1, 1, 0, 0)), 6);
        // confusion_metrics.py: SensitivityAtSpecificity(0.5) weighted [1, 1, 2, 2, 1] is 0.333333;
        // RecallAtPrecision(0.8) weighted [1, 0, 0, 1] is 1.0.
        Assert.Equal(0.333333, Run(new SensitivityAtSpecificity(0.5f), T(0, 0, 0, 1, 1), T(0, 0.3f, 0.8f, 0.3f, 0.8f), T(1, 1, 2, 2, 1)), 6);
        Assert.Equal(0.5, Run(new RecallAtPrecision(0.8f), T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f), null), 6);
        Assert.Equal(1.0, Run(new RecallAtPrecision(0.8f), T(0, 0, 1, 1), T(0, 0.5f, 0.3f, 0.9f), T(1, 0, 0, 1)), 6);
        // regression_metrics.py: MeanAbsoluteError and RootMeanSquaredError weighted [1, 0].
        Assert.Equal(0.5, Run(new Graft.Metrics.MeanSquaredError(), M(2, 0, 1, 0, 0), M(2, 1, 1, 0, 0), T(1, 0)), 6);
        Assert.Equal(0.70710677, Run(new RootMeanSquaredError(), M(2, 0, 1, 0, 0), M(2, 1, 1, 0, 0), T(1, 0)), 6);
    }

    [Fact]
    public void FScoreCountsAreWeighted()
    {
        // Predictions above 0.5: rows [1, 0], [1, 0], [0, 1]; targets [1, 0], [0, 1], [1, 0]; weights 1, 2, 3.
        // Pooled: TP = 1 (row 0), FP = 2 + 3, FN = 2 + 3, so precision = recall = F1 = 1/6 (1/3 unweighted).
        var y = M(3, 1, 0, 0, 1, 1, 0);
        var p = M(3, 0.9f, 0.1f, 0.8f, 0.3f, 0.2f, 0.7f);
        Assert.Equal(1.0 / 3, Run(new F1Score("micro", threshold: 0.5f), y, p, null), 5);
        Assert.Equal(1.0 / 6, Run(new F1Score("micro", threshold: 0.5f), y, p, T(1, 2, 3)), 5);
        // Class 0 alone: TP 1, FP 2, FN 3 → F1 = 2·1 / (2·1 + 2 + 3) = 2/7 when weighted; class 1: TP 0 → 0.
        var f = new F1Score(null, threshold: 0.5f);
        f.UpdateState(y, p, T(1, 2, 3));
        Assert.Equal(2.0 / 7, f.ClassResults()[0], 5);
        Assert.Equal(0.0, f.ClassResults()[1], 5);
    }

    [Fact]
    public void R2ScoreUsesWeightedSums()
    {
        // Weighted mean of y = (1 + 2·2 + 4) / 4 = 2.25; SS_tot = 1.25² + 2·0.25² + 1.75² = 4.75;
        // SS_res = 0.5² + 0 + 1² = 1.25; R² = 1 − 1.25 / 4.75.
        var y = M(3, 1, 2, 4); var p = M(3, 1.5f, 2, 3);
        Assert.Equal(1 - 1.25 / 4.75, Run(new R2Score(), y, p, T(1, 2, 1)), 6);
        // A weight of 0 drops the row from the adjusted score's sample count (3 rows, 2 counted: 1 regressor leaves no degree of freedom, so the plain score).
        Assert.Equal(Run(new R2Score(), y, p, T(1, 2, 0)), Run(new R2Score(numRegressors: 1), y, p, T(1, 2, 0)), 6);
    }

    [Fact]
    public void IoUWeighsEachTarget()
    {
        // keras/src/metrics/iou_metrics.py, IoU(num_classes=2, target_class_ids=[0]) weighted [0.3, 0.3, 0.3, 0.1]:
        // class 0 has TP 0.3, FN 0.3, FP 0.3, so 0.3 / 0.9.
        Assert.Equal(0.33333334, Run(new IoU(2, [0]), T(0, 0, 1, 1), T(0, 1, 0, 1), T(0.3f, 0.3f, 0.3f, 0.1f)), 6);
    }

    /// <summary>Targets and predictions of one kind, 12 samples.</summary>
    private static (Tensor Y, Tensor P) Data(string kind, int seed)
    {
        var r = new Random(seed);
        const int n = 12;
        float U() => (float)r.NextDouble();
        switch (kind)
        {
            case "binary":
                return (Tensor.FromArray(Enumerable.Range(0, n).Select(_ => r.Next(2) * 1f).ToArray(), n, 1),
                        Tensor.FromArray(Enumerable.Range(0, n).Select(_ => U()).ToArray(), n, 1));
            case "multilabel":
                return (Tensor.FromArray(Enumerable.Range(0, n * 3).Select(_ => r.Next(2) * 1f).ToArray(), n, 3),
                        Tensor.FromArray(Enumerable.Range(0, n * 3).Select(_ => U()).ToArray(), n, 3));
            case "regression":
                return (Tensor.FromArray(Enumerable.Range(0, n * 2).Select(_ => U() * 4).ToArray(), n, 2),
                        Tensor.FromArray(Enumerable.Range(0, n * 2).Select(_ => U() * 4).ToArray(), n, 2));
            default:
                var ids = Enumerable.Range(0, n).Select(_ => r.Next(3)).ToArray();
                var probs = new float[n * 3];
                for (int i = 0; i < n; i++)
                {
                    float a = U() + 0.01f, b = U() + 0.01f, c = U() + 0.01f, s = a + b + c;
                    (probs[3 * i], probs[3 * i + 1], probs[3 * i + 2]) = (a / s, b / s, c / s);
                }
                var y = kind == "sparse" ? Tensor.FromArray(ids.Select(i => (float)i).ToArray(), n)
                    : Tensor.FromArray(ids.SelectMany(i => Enumerable.Range(0, 3).Select(c => c == i ? 1f : 0f)).ToArray(), n, 3);
                return (y, Tensor.FromArray(probs, n, 3));
        }
    }

    public static TheoryData<string, string> EveryMetric() => new()
    {
        { "binary_accuracy", "binary" }, { "categorical_accuracy", "onehot" }, { "sparse_categorical_accuracy", "sparse" },
        { "top2", "onehot" }, { "sparse_top2", "sparse" }, { "binary_crossentropy", "binary" }, { "categorical_crossentropy", "onehot" },
        { "sparse_categorical_crossentropy", "sparse" }, { "mse", "regression" }, { "mae", "regression" }, { "root_mean_squared_error", "regression" },
        { "r2_score", "regression" }, { "precision", "binary" }, { "recall", "binary" }, { "auc", "binary" }, { "auc_pr", "binary" },
        { "auc_multilabel", "multilabel" }, { "true_positives", "binary" }, { "false_positives", "binary" }, { "true_negatives", "binary" },
        { "false_negatives", "binary" }, { "precision_at_recall", "binary" }, { "recall_at_precision", "binary" },
        { "sensitivity_at_specificity", "binary" }, { "specificity_at_sensitivity", "binary" }, { "f1_macro", "onehot" },
        { "fbeta_weighted", "onehot" }, { "iou", "sparse_ids" }, { "mean_iou", "sparse_ids" }, { "one_hot_iou", "onehot" }, { "binary_iou", "binary" },
    };

    private static Metric Make(string name) => name switch
    {
        "top2" => new TopKCategoricalAccuracy(k: 2),
        "sparse_top2" => new SparseTopKCategoricalAccuracy(k: 2),
        "auc_pr" => new AUC(numThresholds: 20, curve: "PR"),
        "auc_multilabel" => new AUC(numThresholds: 20, multiLabel: true),
        "precision_at_recall" => new PrecisionAtRecall(0.5f, numThresholds: 20),
        "recall_at_precision" => new RecallAtPrecision(0.5f, numThresholds: 20),
        "sensitivity_at_specificity" => new SensitivityAtSpecificity(0.5f, numThresholds: 20),
        "specificity_at_sensitivity" => new SpecificityAtSensitivity(0.5f, numThresholds: 20),
        "f1_macro" => new F1Score("macro"),
        "fbeta_weighted" => new FBetaScore("weighted", beta: 2f, threshold: 0.4f),
        "iou" => new IoU(3, [0, 2]),
        "mean_iou" => new MeanIoU(3),
        "one_hot_iou" => new OneHotIoU(3, [0, 1, 2]),
        "binary_iou" => new BinaryIoU(),
        _ => Metric.Get(name),
    };

    /// <summary>Keras's weights scale each sample's share: an integer weight is that many copies of the sample (0 drops it).</summary>
    [Theory]
    [MemberData(nameof(EveryMetric))]
    public void IntegerWeightsEqualRepeatedSamples(string metric, string kind)
    {
        var (y, p) = Data(kind == "sparse_ids" ? "sparse" : kind, metric.Length);
        if (kind == "sparse_ids") p = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)((i * 7) % 3)).ToArray(), 12);
        var times = Enumerable.Range(0, 12).Select(i => (i * 5 + metric.Length) % 4).ToArray();
        var weighted = Make(metric);
        weighted.UpdateState(y, p, Tensor.FromArray(times.Select(t => (float)t).ToArray(), 12));
        var repeated = Make(metric);
        repeated.UpdateState(Repeat(y, times), Repeat(p, times));
        Assert.Equal(repeated.Result(), weighted.Result(), 5);
        // Weights of 1 are the unweighted result.
        var ones = Make(metric);
        ones.UpdateState(y, p, Tensor.Full(1f, 12));
        var plain = Make(metric);
        plain.UpdateState(y, p);
        Assert.Equal(plain.Result(), ones.Result(), 6);
    }

    private static Tensor Repeat(Tensor t, int[] times)
    {
        var rows = Enumerable.Range(0, times.Length).SelectMany(i => Enumerable.Repeat(i, times[i])).ToArray();
        int width = t.Size / t.Shape[0];
        float[] v = t.ToArray();
        return Tensor.FromArray(rows.SelectMany(r => v.Skip(r * width).Take(width)).ToArray(), [rows.Length, .. t.Shape.ToArray()[1..]]);
    }

    [Fact]
    public void SequenceScoresTakeAWeightPerSampleOrPerStep()
    {
        // Two sequences of three steps, one score per step: hits [[1, 0, 1], [0, 0, 1]].
        var y = M(2, 1, 0, 1, 1, 1, 1);
        var p = M(2, 0.9f, 0.8f, 0.7f, 0.2f, 0.1f, 0.6f);
        // Per sample: (2·2/3 + 1·1/3) / 3 = 5/9 (Keras averages each sample's steps, then weighs the samples).
        Assert.Equal(5.0 / 9, Run(new BinaryAccuracy(), y, p, T(2, 1)), 6);
        // Per step: hits weighted [1, 1, 2, 0, 0, 4] → (1 + 2 + 4) / 8.
        Assert.Equal(7.0 / 8, Run(new BinaryAccuracy(), y, p, M(2, 1, 1, 2, 0, 0, 4)), 6);
    }

    [Fact]
    public void AMaskOnThePredictionsDropsMaskedSteps()
    {
        // Sparse accuracy per step, (2, 3) steps of 2 classes; hits [[1, 0, 0], [1, 1, 0]].
        var y = M(2, 0, 1, 1, 1, 0, 1);
        var p = Tensor.FromArray([0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.4f, 0.6f, 0.6f, 0.4f, 0.9f, 0.1f], 2, 3, 2);
        p.Mask = M(2, 1, 1, 0, 1, 1, 1);
        // Unweighted: 3 hits over the 5 unmasked steps (Keras's MeanMetricWrapper applies the mask itself).
        Assert.Equal(3.0 / 5, Run(new SparseCategoricalAccuracy(), y, p, null), 6);
        // Weighted [1, 3], spread over each sample's steps and masked: step weights [1, 1, 0] and [3, 3, 3],
        // hits weighted 1 + 3 + 3 over weights 1 + 1 + 3 + 3 + 3: 7/11.
        Assert.Equal(7.0 / 11, Run(new SparseCategoricalAccuracy(), y, p, T(1, 3)), 6);
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Precision().UpdateState(T(0, 1), T(0.2f, 0.7f), T(1, 2, 3)));
        Assert.Contains("Precision 'precision': expected sample_weight", e.Message);
        Assert.Contains("got shape (3,)", e.Message);
    }
}
