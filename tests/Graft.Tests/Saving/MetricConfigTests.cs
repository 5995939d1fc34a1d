using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Metrics;
using Graft.Models;
using Graft.Saving;

namespace Graft.Tests.Saving;

/// <summary>
/// Metrics whose options change what they compute survive Keras 3's <c>compile_config</c> and Keras 2's
/// <c>training_config</c> as Keras's objects, and Keras's objects read back with their options.
/// </summary>
public class MetricConfigTests
{
    public static IEnumerable<object[]> Metrics()
    {
        foreach (bool keras3 in new[] { true, false })
        {
            yield return [keras3, new AUC(numThresholds: 50, curve: "PR", summationMethod: "majoring", name: "pr_auc", multiLabel: true, fromLogits: true)];
            yield return [keras3, new F1Score("macro", 0.4f)];
            yield return [keras3, new FBetaScore("weighted", beta: 2)];
            yield return [keras3, new IoU(4, [1, 3], ignoreClass: 0, sparseYPred: false)];
            yield return [keras3, new MeanIoU(3, sparseYTrue: false)];
            yield return [keras3, new BinaryIoU([1], threshold: 0.3f)];
            yield return [keras3, new OneHotIoU(3, [0, 2])];
            yield return [keras3, new TruePositives(0.7f)];
            yield return [keras3, new FalseNegatives()];
            yield return [keras3, new Precision(0.8f)];
            yield return [keras3, new R2Score("variance_weighted_average", numRegressors: 2)];
            yield return [keras3, new SensitivityAtSpecificity(0.9f, numThresholds: 20, classId: 1)];
            yield return [keras3, new SpecificityAtSensitivity(0.8f)];
            yield return [keras3, new PrecisionAtRecall(0.7f)];
            yield return [keras3, new RecallAtPrecision(0.6f)];
            yield return [keras3, new Graft.Metrics.BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1f)];
            yield return [keras3, new Graft.Metrics.SparseCategoricalCrossentropy(fromLogits: true)];
            yield return [keras3, new RootMeanSquaredError()];
        }
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void RoundTrips(bool keras3, Metric metric)
    {
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        model.Compile("mse", "adam", [metric]);
        var config = keras3 ? TrainingConfig.Serialize(model) : TrainingConfig.SerializeKeras2(model);
        var again = new Sequential([new Dense(3, inputShape: [4])]);
        Assert.True(TrainingConfig.TryCompile(again, JsonNode.Parse(config.ToJsonString())!.AsObject(), out var reason), reason);
        var read = Assert.Single(again.Metrics);
        Assert.Equal(metric.GetType(), read.GetType());
        Assert.Equal(Describe(metric), Describe(read));
    }

    private static string Describe(Metric m) => string.Join(", ", m.GetType().GetProperties().OrderBy(p => p.Name)
        .Select(p => $"{p.Name}={(p.GetValue(m) is IEnumerable<int> a ? string.Join("/", a) : p.GetValue(m))}"));

    [Fact]
    public void KerasObjectsReadWithTheirOptions()
    {
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        var cc = new JsonObject
        {
            ["optimizer"] = "adam", ["loss"] = "mse",
            ["metrics"] = JsonNode.Parse("""
                [{"module": "keras.metrics", "class_name": "AUC", "config": {"name": "auc_1", "dtype": "float32", "num_thresholds": 200,
                  "curve": "PR", "summation_method": "interpolation", "multi_label": false, "num_labels": null, "label_weights": null, "from_logits": false}, "registered_name": null},
                 {"module": "keras.metrics", "class_name": "BinaryAccuracy", "config": {"name": "my_accuracy", "dtype": "float32", "threshold": 0.5}, "registered_name": null},
                 {"class_name": "TruePositives", "config": {"name": "tp", "thresholds": [0.3]}}]
                """),
        };
        Assert.True(TrainingConfig.TryCompile(model, cc, out var reason), reason);
        var auc = Assert.IsType<AUC>(model.Metrics[0]);
        Assert.Equal(("PR", "auc_1"), (auc.Curve, auc.Name));
        Assert.Equal("my_accuracy", Assert.IsType<BinaryAccuracy>(model.Metrics[1]).Name);
        Assert.Equal(0.3f, Assert.IsType<TruePositives>(model.Metrics[2]).Threshold);
        cc["metrics"] = JsonNode.Parse("""[{"class_name": "TruePositives", "config": {"thresholds": [0.3, 0.6]}}]""");
        Assert.False(TrainingConfig.TryCompile(new Sequential([new Dense(3, inputShape: [4])]), cc, out reason));
        Assert.Contains("several thresholds are not supported", reason);
    }
}
