using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Metrics;

namespace Graft.Saving;

/// <summary>
/// A metric in a training config: a Keras identifier (<c>"accuracy"</c>), or, for metrics whose
/// options change what they compute (AUC's curve, an F-score's average, IoU's classes, thresholds),
/// Keras's serialized object, so that a metric read back computes what was saved.
/// </summary>
internal static class MetricConfig
{
    /// <summary>The metric a Keras object describes; its name from the config, else the class's.</summary>
    /// <exception cref="ModelFormatException">An option has the wrong type.</exception>
    /// <exception cref="NotSupportedException">An option Graft lacks (several thresholds, top_k).</exception>
    public static Metric Deserialize(string cls, JsonObject config)
    {
        var c = new ConfigReader(config, $"metric '{cls}'");
        string name = c.String("name", null) ?? LayerNames.ToSnakeCase(cls);
        float Threshold(float fallback) => config["thresholds"] switch
        {
            null => fallback,
            JsonArray { Count: 1 } a => (float)ConfigReader.Num(a[0]!),
            JsonArray a => throw new NotSupportedException($"metric '{cls}': expected one threshold, got {a.ToJsonString()}; several thresholds are not supported by Graft"),
            var n => (float)ConfigReader.Num(n),
        };
        int? OptionalInt(string key) => c.Has(key) ? c.Int(key) : null;
        int[] Ids(string key) => config[key] is JsonArray a ? a.Select(x => ConfigReader.ToInt(x!)).ToArray()
            : throw new ModelFormatException($"metric '{cls}': expected '{key}' to be a list of class ids, got {config[key]?.ToJsonString() ?? "none"}.");
        if (c.Has("top_k")) throw new NotSupportedException($"metric '{cls}': top_k is not supported by Graft");
        if (c.Has("class_id") && cls is "Precision" or "Recall" or "TruePositives" or "FalsePositives" or "TrueNegatives" or "FalseNegatives")
            throw new NotSupportedException($"metric '{cls}': class_id is not supported by Graft");
        return cls switch
        {
            "AUC" => c.Has("label_weights") || c.Has("thresholds") && config["thresholds"] is JsonArray
                ? throw new NotSupportedException($"metric 'AUC': label_weights and explicit thresholds are not supported by Graft")
                : new AUC(c.Int("num_thresholds", 200), c.String("curve", "ROC")!, c.String("summation_method", "interpolation")!, name,
                    c.Bool("multi_label", false), c.Bool("from_logits", false)),
            "F1Score" => new F1Score(c.String("average", null), c.Has("threshold") ? c.Float("threshold") : null, name),
            "FBetaScore" => new FBetaScore(c.String("average", null), c.Float("beta", 1f), c.Has("threshold") ? c.Float("threshold") : null, name),
            "IoU" => new IoU(c.Int("num_classes"), Ids("target_class_ids"), name, OptionalInt("ignore_class"), c.Bool("sparse_y_true", true), c.Bool("sparse_y_pred", true)),
            "MeanIoU" => new MeanIoU(c.Int("num_classes"), name, OptionalInt("ignore_class"), c.Bool("sparse_y_true", true), c.Bool("sparse_y_pred", true)),
            "BinaryIoU" => new BinaryIoU(config["target_class_ids"] is null ? null : Ids("target_class_ids"), c.Float("threshold", 0.5f), name),
            "OneHotIoU" => new OneHotIoU(c.Int("num_classes"), Ids("target_class_ids"), name, OptionalInt("ignore_class")),
            "TruePositives" => new TruePositives(Threshold(0.5f), name),
            "FalsePositives" => new FalsePositives(Threshold(0.5f), name),
            "TrueNegatives" => new TrueNegatives(Threshold(0.5f), name),
            "FalseNegatives" => new FalseNegatives(Threshold(0.5f), name),
            "Precision" => new Precision(Threshold(0.5f), name),
            "Recall" => new Recall(Threshold(0.5f), name),
            "R2Score" => new R2Score(c.String("class_aggregation", "uniform_average")!, c.Int("num_regressors", 0), name),
            "RootMeanSquaredError" => new RootMeanSquaredError(name),
            "SensitivityAtSpecificity" => new SensitivityAtSpecificity(c.Float("specificity"), c.Int("num_thresholds", 200), OptionalInt("class_id"), name),
            "SpecificityAtSensitivity" => new SpecificityAtSensitivity(c.Float("sensitivity"), c.Int("num_thresholds", 200), OptionalInt("class_id"), name),
            "PrecisionAtRecall" => new PrecisionAtRecall(c.Float("recall"), c.Int("num_thresholds", 200), OptionalInt("class_id"), name),
            "RecallAtPrecision" => new RecallAtPrecision(c.Float("precision"), c.Int("num_thresholds", 200), OptionalInt("class_id"), name),
            "BinaryCrossentropy" => new Metrics.BinaryCrossentropy(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), name),
            "CategoricalCrossentropy" => new Metrics.CategoricalCrossentropy(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1), name),
            "SparseCategoricalCrossentropy" => new Metrics.SparseCategoricalCrossentropy(c.Bool("from_logits", false), name),
            _ => ByName(cls, name),
        };
    }

    /// <summary>
    /// tf.keras names wrapped functions by their identifier (a <c>MeanMetricWrapper</c> called
    /// "accuracy"); otherwise the class's identifier, keeping the saved name.
    /// </summary>
    private static Metric ByName(string cls, string name)
    {
        try { return Metric.Get(name); }
        catch (ArgumentException)
        {
            var metric = Metric.Get(LayerNames.ToSnakeCase(cls));
            metric.Name = name;
            return metric;
        }
    }

    /// <summary>An identifier, or Keras's object when the metric has options an identifier cannot say.</summary>
    public static JsonNode Serialize(Metric metric, bool keras3)
    {
        JsonObject? config = metric switch
        {
            AUC a => new() { ["num_thresholds"] = a.NumThresholds, ["curve"] = a.Curve, ["summation_method"] = a.SummationMethod, ["multi_label"] = a.MultiLabel, ["from_logits"] = a.FromLogits },
            FBetaScore f => new() { ["average"] = f.Average, ["beta"] = f.Beta, ["threshold"] = f.Threshold },
            BinaryIoU b => new() { ["target_class_ids"] = Ints(b.TargetClassIds), ["threshold"] = b.Threshold },
            MeanIoU m => new() { ["num_classes"] = m.NumClasses, ["ignore_class"] = m.IgnoreClass, ["sparse_y_true"] = m.SparseYTrue, ["sparse_y_pred"] = m.SparseYPred },
            OneHotIoU o => new() { ["num_classes"] = o.NumClasses, ["target_class_ids"] = Ints(o.TargetClassIds), ["ignore_class"] = o.IgnoreClass },
            IoU i => new() { ["num_classes"] = i.NumClasses, ["target_class_ids"] = Ints(i.TargetClassIds), ["ignore_class"] = i.IgnoreClass, ["sparse_y_true"] = i.SparseYTrue, ["sparse_y_pred"] = i.SparseYPred },
            ConfusionCount cc => new() { ["thresholds"] = cc.Threshold },
            Precision { Threshold: not 0.5f } p => new() { ["thresholds"] = p.Threshold },
            Recall { Threshold: not 0.5f } r => new() { ["thresholds"] = r.Threshold },
            R2Score r2 => new() { ["class_aggregation"] = r2.ClassAggregation, ["num_regressors"] = r2.NumRegressors },
            SensitivityAtSpecificity s => new() { ["specificity"] = s.Value, ["num_thresholds"] = s.NumThresholds, ["class_id"] = s.ClassId },
            SpecificityAtSensitivity s => new() { ["sensitivity"] = s.Value, ["num_thresholds"] = s.NumThresholds, ["class_id"] = s.ClassId },
            PrecisionAtRecall s => new() { ["recall"] = s.Value, ["num_thresholds"] = s.NumThresholds, ["class_id"] = s.ClassId },
            RecallAtPrecision s => new() { ["precision"] = s.Value, ["num_thresholds"] = s.NumThresholds, ["class_id"] = s.ClassId },
            Metrics.BinaryCrossentropy { FromLogits: true } or Metrics.BinaryCrossentropy { LabelSmoothing: not 0f } => CrossEntropy((Metrics.BinaryCrossentropy)metric),
            Metrics.CategoricalCrossentropy { FromLogits: true } or Metrics.CategoricalCrossentropy { LabelSmoothing: not 0f } or Metrics.CategoricalCrossentropy { Axis: not -1 } => CrossEntropy((Metrics.CategoricalCrossentropy)metric),
            Metrics.SparseCategoricalCrossentropy { FromLogits: true } => new() { ["from_logits"] = true },
            _ => null,
        };
        if (config is null) return metric.Name;
        var full = new JsonObject { ["name"] = metric.Name, ["dtype"] = "float32" };
        foreach (var (k, v) in config) full[k] = v?.DeepClone();
        var entry = new JsonObject();
        if (keras3) entry["module"] = "keras.metrics";
        entry["class_name"] = metric.GetType().Name;
        entry["config"] = full;
        if (keras3) entry["registered_name"] = null;
        return entry;
    }

    private static JsonObject CrossEntropy(Metrics.BinaryCrossentropy m) => new() { ["from_logits"] = m.FromLogits, ["label_smoothing"] = m.LabelSmoothing };
    private static JsonObject CrossEntropy(Metrics.CategoricalCrossentropy m) => new() { ["from_logits"] = m.FromLogits, ["label_smoothing"] = m.LabelSmoothing, ["axis"] = m.Axis };
    private static JsonArray Ints(IEnumerable<int> ids) => new(ids.Select(i => (JsonNode)i).ToArray());
}
