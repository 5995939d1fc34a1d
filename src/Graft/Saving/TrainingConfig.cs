using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Models;
using Graft.Optimizers;

namespace Graft.Saving;

/// <summary>The <c>training_config</c> of a Keras file: loss, optimizer and metrics, restored with <c>Compile</c>.</summary>
internal static class TrainingConfig
{
    /// <summary>Compiles <paramref name="model"/> from the config; returns false (with the reason) when a part is unknown.</summary>
    public static bool TryCompile(Model model, JsonObject config, out string? reason)
    {
        reason = null;
        try
        {
            var loss = Loss(config["loss"]);
            var optimizer = Optimizer(config["optimizer_config"] as JsonObject);
            var metrics = Metrics(config["metrics"]);
            if (loss is null) { reason = $"loss {config["loss"]?.ToJsonString() ?? "null"} is not one Graft knows"; return false; }
            model.Compile(loss, optimizer, metrics);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            reason = e.Message;
            return false;
        }
    }

    private static Loss? Loss(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => Graft.Losses.Loss.Get(s),
        JsonObject o when o["class_name"]?.GetValue<string>() is { } cls => Graft.Losses.Loss.Get(LayerNames.ToSnakeCase(cls) switch
        {
            "binary_crossentropy" or "categorical_crossentropy" or "sparse_categorical_crossentropy" or "mean_squared_error" or "mean_absolute_error" or "hinge" or "huber" or "kl_divergence" => LayerNames.ToSnakeCase(cls),
            var other => other,
        }),
        JsonArray a when a.Count == 1 => Loss(a[0]),
        JsonObject o when o.Count == 1 => Loss(o.First().Value),
        _ => null,
    };

    private static Optimizer Optimizer(JsonObject? node)
    {
        if (node is null) return new RMSprop();
        string cls = node["class_name"]?.GetValue<string>() ?? "rmsprop";
        var c = new ConfigReader(node["config"] as JsonObject ?? [], $"optimizer '{cls}'");
        double lr = c.Has("learning_rate") ? c.Float("learning_rate") : c.Float("lr", float.NaN);
        LearningRate? rate = double.IsNaN(lr) ? null : lr;
        return cls.ToLowerInvariant() switch
        {
            "sgd" => new SGD(rate, c.Float("momentum", 0f), c.Bool("nesterov", false)),
            "adam" => new Adam(rate, c.Float("beta_1", 0.9f), c.Float("beta_2", 0.999f), c.Float("epsilon", 1e-7f), c.Bool("amsgrad", false)),
            "adamw" => new AdamW(rate, c.Float("weight_decay", 0.004f), c.Float("beta_1", 0.9f), c.Float("beta_2", 0.999f), c.Float("epsilon", 1e-7f)),
            "rmsprop" => new RMSprop(rate, c.Float("rho", 0.9f), c.Float("momentum", 0f), c.Float("epsilon", 1e-7f), c.Bool("centered", false)),
            "adagrad" => new Adagrad(rate, c.Float("initial_accumulator_value", 0.1f), c.Float("epsilon", 1e-7f)),
            "nadam" => new Nadam(rate, c.Float("beta_1", 0.9f), c.Float("beta_2", 0.999f), c.Float("epsilon", 1e-7f)),
            _ => throw new ArgumentException($"optimizer '{cls}' is not one Graft knows"),
        };
    }

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
                    list.Add(Metric.Get(o["config"]?["name"]?.GetValue<string>() ?? LayerNames.ToSnakeCase(cls))); break;
            }
        }
        Add(node);
        return list.GroupBy(m => m.Name).Select(g => g.First()).ToList();
    }

    public static JsonObject Serialize(Model model) => new()
    {
        ["loss"] = model.Loss!.Name,
        ["metrics"] = new JsonArray(model.Metrics.Select(m => (JsonNode)m.Name).ToArray()),
        ["weighted_metrics"] = null,
        ["loss_weights"] = null,
        ["optimizer_config"] = new JsonObject
        {
            ["class_name"] = model.Optimizer!.Name,
            ["config"] = model.Optimizer.KerasConfig(),
        },
    };
}
