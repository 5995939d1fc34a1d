using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Models;
using BinaryCrossentropy = Graft.Losses.BinaryCrossentropy;
using CategoricalCrossentropy = Graft.Losses.CategoricalCrossentropy;
using SparseCategoricalCrossentropy = Graft.Losses.SparseCategoricalCrossentropy;

namespace Graft.Saving;

/// <summary>
/// How a file records <c>compile()</c>: Keras 3's <c>compile_config</c> in a <c>.keras</c> (the
/// arguments of <c>compile</c>, as <c>Model.get_compile_config</c> writes and
/// <c>compile_from_config</c> reads them: <c>optimizer</c> a serialized optimizer), and the legacy
/// <c>training_config</c> of an <c>.h5</c> (<c>optimizer_config</c>, Keras 1 to 3).
/// </summary>
internal static class TrainingConfig
{
    /// <summary>
    /// Compiles <paramref name="model"/> from either form; returns false (with the reason) when a part
    /// is one Graft lacks or an option would train differently, leaving the model uncompiled.
    /// </summary>
    public static bool TryCompile(Model model, JsonObject config, out string? reason)
    {
        reason = null;
        try
        {
            var optimizerNode = config["optimizer"] ?? config["optimizer_config"];
            if (optimizerNode is null) { reason = "the training config names no optimizer ('optimizer' or 'optimizer_config')"; return false; }
            var optimizer = OptimizerConfig.Deserialize(optimizerNode);
            var lossNode = config["loss"];
            if (model.OutputNames.Count > 1 && (lossNode is JsonArray { Count: > 1 } || (lossNode is JsonObject { Count: > 1 } byName && !byName.ContainsKey("class_name"))))
                return TryCompilePerOutput(model, config, optimizer, out reason);
            var loss = Loss(config["loss"]);
            if (loss is null) { reason = $"loss {config["loss"]?.ToJsonString() ?? "null"} is not one Graft knows"; return false; }
            if (Unsupported(config) is { } option) { reason = option; return false; }
            model.Compile(loss, optimizer, Metrics(config["metrics"]), Metrics(config["weighted_metrics"]));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException or OverflowException)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Keras's per-output compile: losses, loss weights and metrics as dictionaries keyed by output
    /// name, or as lists in output order.
    /// </summary>
    private static bool TryCompilePerOutput(Model model, JsonObject config, Optimizers.Optimizer optimizer, out string? reason)
    {
        reason = null;
        var names = model.OutputNames;
        Dictionary<string, JsonNode?>? ByOutput(JsonNode? node) => node switch
        {
            null => null,
            JsonObject o => o.ToDictionary(p => p.Key, p => p.Value),
            JsonArray a when a.Count == names.Count => names.Select((n, i) => (n, a[i])).ToDictionary(p => p.n, p => p.Item2),
            _ => throw new ArgumentException($"expected one entry per output ({string.Join(", ", names)}), got {node.ToJsonString()}"),
        };
        var losses = new Dictionary<string, Loss>();
        foreach (var (name, node) in ByOutput(config["loss"])!)
        {
            if (Loss(node) is not { } loss) { reason = $"loss {node?.ToJsonString() ?? "null"} of output '{name}' is not one Graft knows"; return false; }
            losses[name] = loss;
        }
        var weights = ByOutput(config["loss_weights"])?.ToDictionary(p => p.Key, p => p.Value?.GetValue<double>() ?? 1.0);
        var metrics = ByOutput(config["metrics"] is JsonArray { Count: 0 } ? null : config["metrics"])?
            .ToDictionary(p => p.Key, p => (IEnumerable<Metric>)Metrics(p.Value));
        var weighted = ByOutput(config["weighted_metrics"] is JsonArray { Count: 0 } ? null : config["weighted_metrics"])?
            .ToDictionary(p => p.Key, p => (IEnumerable<Metric>)Metrics(p.Value));
        model.Compile(losses, optimizer, metrics, weights, weighted);
        return true;
    }

    /// <summary>
    /// Options of <c>compile</c> that change what training computes and Graft does not have.
    /// <c>run_eagerly</c>, <c>steps_per_execution</c> and <c>jit_compile</c> change only how it runs.
    /// </summary>
    private static string? Unsupported(JsonObject config)
    {
        switch (config["loss_weights"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue<double>(out var w) && w == 1: break;
            case JsonArray a when a.Count == 1 && a[0] is JsonValue x && x.TryGetValue<double>(out var w1) && w1 == 1: break;
            case var lw: return $"loss_weights {lw.ToJsonString()} is not supported by Graft";
        }
        return null;
    }

    private static Loss? Loss(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => Graft.Losses.Loss.Get(s),
        JsonObject o when o["class_name"]?.GetValue<string>() is { } cls => LossObject(cls, o["config"] as JsonObject ?? []),
        JsonArray a when a.Count == 1 => Loss(a[0]),
        JsonObject o when o.Count == 1 => Loss(o.First().Value),
        _ => null,
    };

    private static Loss LossObject(string cls, JsonObject config)
    {
        var c = new ConfigReader(config, $"loss '{cls}'");
        Loss loss = cls switch
        {
            "BinaryCrossentropy" => new BinaryCrossentropy(c.Bool("from_logits", false), c.Float("label_smoothing", 0f)),
            "BinaryFocalCrossentropy" => new BinaryFocalCrossentropy(c.Bool("apply_class_balancing", false), c.Float("alpha", 0.25f),
                c.Float("gamma", 2f), c.Bool("from_logits", false), c.Float("label_smoothing", 0f)),
            "CategoricalCrossentropy" => new CategoricalCrossentropy(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1)),
            "CategoricalFocalCrossentropy" => new CategoricalFocalCrossentropy(c.Float("alpha", 0.25f), c.Float("gamma", 2f),
                c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1)),
            "SparseCategoricalCrossentropy" => c.Int("axis", -1) != -1
                ? throw new NotSupportedException($"loss 'SparseCategoricalCrossentropy': expected axis -1, got {c.Int("axis", -1)}; another class axis is not supported by Graft")
                : new SparseCategoricalCrossentropy(c.Bool("from_logits", false), c.Has("ignore_class") ? c.Int("ignore_class") : null),
            "Huber" => new Huber(c.Float("delta", 1f)),
            "CosineSimilarity" => new CosineSimilarity(c.Int("axis", -1)),
            "Dice" => new Dice(Axes(config["axis"])),
            "Tversky" => new Tversky(c.Float("alpha", 0.5f), c.Float("beta", 0.5f), Axes(config["axis"])),
            // tf.keras wraps plain functions: {"class_name": "LossFunctionWrapper", "config": {"fn": "mean_squared_error"}}.
            "LossFunctionWrapper" => Graft.Losses.Loss.Get(c.String("fn")),
            _ => Graft.Losses.Loss.Get(LayerNames.ToSnakeCase(cls)),
        };
        // Keras 3 writes null for "none"; tf.keras writes "auto" for the default.
        if (config.ContainsKey("reduction")) loss.SetReduction(config["reduction"] is { } r ? r.GetValue<string>() : null);
        return loss;
    }

    /// <summary>Keras's <c>axis</c> of Dice and Tversky: null (every axis), an integer, or a list of them.</summary>
    private static int[]? Axes(JsonNode? node) => node switch
    {
        null => null,
        JsonArray a => a.Select(x => ConfigReader.ToInt(x!)).ToArray(),
        _ => [ConfigReader.ToInt(node)],
    };

    private static List<Metric> Metrics(JsonNode? node)
    {
        var list = new List<Metric>();
        void Add(JsonNode? n)
        {
            switch (n)
            {
                case JsonValue v when v.TryGetValue<string>(out var s): list.Add(Metric.Get(s)); break;
                case JsonArray a: foreach (var x in a) Add(x); break;
                case JsonObject o when o["class_name"]?.GetValue<string>() is { } cls:
                    list.Add(MetricConfig.Deserialize(cls, o["config"] as JsonObject ?? [])); break;
            }
        }
        Add(node);
        return list.GroupBy(m => m.Name).Select(g => g.First()).ToList();
    }

    /// <summary>Keras 3's <c>compile_config</c> for a compiled model, every key <c>compile</c> takes.</summary>
    public static JsonObject Serialize(Model model) => new()
    {
        ["optimizer"] = OptimizerConfig.Serialize(model.Optimizer!),
        ["loss"] = LossNode(model, keras3: true),
        ["loss_weights"] = LossWeights(model),
        ["metrics"] = MetricNames(model, keras3: true, weighted: false),
        ["weighted_metrics"] = MetricNames(model, keras3: true, weighted: true),
        ["run_eagerly"] = false,
        ["steps_per_execution"] = 1,
        ["jit_compile"] = false,
    };

    /// <summary>tf.keras 2's <c>training_config</c> for a legacy <c>.h5</c>.</summary>
    public static JsonObject SerializeKeras2(Model model) => new()
    {
        ["loss"] = LossNode(model, keras3: false),
        ["metrics"] = MetricNames(model, keras3: false, weighted: false),
        ["weighted_metrics"] = MetricNames(model, keras3: false, weighted: true),
        ["loss_weights"] = LossWeights(model),
        ["sample_weight_mode"] = null,
        ["optimizer_config"] = OptimizerConfig.SerializeKeras2(model.Optimizer!),
    };

    /// <summary>
    /// The metrics, or with <paramref name="weighted"/> the weighted metrics (identifiers, or Keras's objects
    /// for metrics with options); for several outputs a dictionary by output of names without the output
    /// prefix, as compile took them. No weighted metrics: null, as Keras writes an unset <c>weighted_metrics</c>.
    /// </summary>
    private static JsonNode? MetricNames(Model model, bool keras3, bool weighted)
    {
        var state = model.CompiledState!;
        var perOutput = weighted ? state.WeightedOutputMetrics : state.OutputMetrics;
        if (weighted && perOutput.All(list => list.Count == 0)) return null;
        if (state.OutputNames.Length == 1) return new JsonArray(perOutput[0].Select(m => MetricConfig.Serialize(m, keras3)).ToArray());
        var byOutput = new JsonObject();
        for (int o = 0; o < state.OutputNames.Length; o++)
            byOutput[state.OutputNames[o]] = new JsonArray(perOutput[o].Select(m => (JsonNode)m.Name[(state.OutputNames[o].Length + 1)..]).ToArray());
        return byOutput;
    }

    /// <summary>The loss; for several outputs a dictionary by output name (Keras's <c>loss={...}</c>).</summary>
    private static JsonNode LossNode(Model model, bool keras3)
    {
        var state = model.CompiledState!;
        if (state.OutputNames.Length == 1) return SerializeLoss(state.Loss, keras3);
        var byOutput = new JsonObject();
        for (int o = 0; o < state.OutputNames.Length; o++) byOutput[state.OutputNames[o]] = SerializeLoss(state.Losses[o], keras3);
        return byOutput;
    }

    /// <summary>Null when every output weighs 1, else the weights by output name.</summary>
    private static JsonNode? LossWeights(Model model)
    {
        var state = model.CompiledState!;
        if (state.LossWeights.All(w => w == 1)) return null;
        var byOutput = new JsonObject();
        for (int o = 0; o < state.OutputNames.Length; o++) byOutput[state.OutputNames[o]] = state.LossWeights[o];
        return byOutput;
    }

    /// <summary>A loss by its identifier, or as an object when it has options or a reduction an identifier cannot say.</summary>
    private static JsonNode SerializeLoss(Loss loss, bool keras3)
    {
        JsonObject? config = loss switch
        {
            BinaryCrossentropy { FromLogits: false, LabelSmoothing: 0f } or CategoricalCrossentropy { FromLogits: false, LabelSmoothing: 0f, Axis: -1 }
                or SparseCategoricalCrossentropy { FromLogits: false, IgnoreClass: null } or Dice { Axis: null }
                or Tversky { Alpha: 0.5f, Beta: 0.5f, Axis: null } or CosineSimilarity { Axis: -1 }
                or BinaryFocalCrossentropy { ApplyClassBalancing: false, Alpha: 0.25f, Gamma: 2f, FromLogits: false, LabelSmoothing: 0f }
                or CategoricalFocalCrossentropy { Alpha: 0.25f, Gamma: 2f, FromLogits: false, LabelSmoothing: 0f, Axis: -1 } => null,
            BinaryCrossentropy b => new() { ["from_logits"] = b.FromLogits, ["label_smoothing"] = b.LabelSmoothing, ["axis"] = -1 },
            BinaryFocalCrossentropy f => new()
            {
                ["apply_class_balancing"] = f.ApplyClassBalancing, ["alpha"] = f.Alpha, ["gamma"] = f.Gamma,
                ["from_logits"] = f.FromLogits, ["label_smoothing"] = f.LabelSmoothing, ["axis"] = -1,
            },
            CategoricalCrossentropy c => new() { ["from_logits"] = c.FromLogits, ["label_smoothing"] = c.LabelSmoothing, ["axis"] = c.Axis },
            CategoricalFocalCrossentropy f => new()
            {
                ["alpha"] = f.Alpha, ["gamma"] = f.Gamma, ["from_logits"] = f.FromLogits, ["label_smoothing"] = f.LabelSmoothing, ["axis"] = f.Axis,
            },
            SparseCategoricalCrossentropy s => new() { ["from_logits"] = s.FromLogits, ["ignore_class"] = s.IgnoreClass, ["axis"] = -1 },
            Huber h => new() { ["delta"] = h.Delta },
            CosineSimilarity cs => new() { ["axis"] = cs.Axis },
            Dice d => new() { ["axis"] = AxesNode(d.Axis) },
            Tversky t => new() { ["alpha"] = t.Alpha, ["beta"] = t.Beta, ["axis"] = AxesNode(t.Axis) },
            _ => null,
        };
        if (config is null && loss.Reduction == "sum_over_batch_size") return loss.Name;
        string? reduction = loss.Reduction == "none" ? (keras3 ? null : "none") : !keras3 && loss.Reduction == "sum_over_batch_size" ? "auto" : loss.Reduction;
        var full = new JsonObject { ["name"] = loss.Name, ["reduction"] = reduction };
        foreach (var (k, v) in config ?? []) full[k] = v?.DeepClone();
        var entry = new JsonObject();
        if (keras3) entry["module"] = "keras.losses";
        entry["class_name"] = loss.GetType().Name;
        entry["config"] = full;
        if (keras3) entry["registered_name"] = null;
        return entry;
    }

    private static JsonNode? AxesNode(int[]? axes) => axes is null ? null : new JsonArray(axes.Select(a => (JsonNode)a).ToArray());
}
