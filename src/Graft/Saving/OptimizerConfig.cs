using System.Text.Json.Nodes;
using Graft.Optimizers;
using Graft.Optimizers.Schedules;

namespace Graft.Saving;

/// <summary>
/// Optimizers and learning-rate schedules in Keras's serialized forms: Keras 3's
/// <c>{"module", "class_name", "config", "registered_name"}</c> with <c>get_config()</c>'s keys
/// (keras/src/optimizers/base_optimizer.py), Keras 2's <c>{"class_name", "config"}</c> with
/// <c>lr</c>/<c>decay</c>, or a bare identifier. Reading fails (with the reason) on an optimizer or
/// option Graft lacks rather than training with something else.
/// </summary>
internal static class OptimizerConfig
{
    /// <summary>Keras 3's serialized optimizer, as <c>compile_config["optimizer"]</c> holds it.</summary>
    public static JsonObject Serialize(Optimizer optimizer)
    {
        var c = new JsonObject
        {
            // Keras 3's default names: "SGD", otherwise the class name in lower case ("adam", "rmsprop").
            ["name"] = optimizer is SGD ? "SGD" : optimizer.GetType().Name.ToLowerInvariant(),
            ["learning_rate"] = LearningRate(optimizer, keras3: true),
            ["weight_decay"] = optimizer.WeightDecay, ["clipnorm"] = optimizer.Clipnorm, ["global_clipnorm"] = optimizer.GlobalClipnorm,
            ["clipvalue"] = optimizer.Clipvalue, ["use_ema"] = optimizer.UseEma, ["ema_momentum"] = optimizer.EmaMomentum,
            ["ema_overwrite_frequency"] = optimizer.EmaOverwriteFrequency, ["loss_scale_factor"] = null,
            ["gradient_accumulation_steps"] = optimizer.GradientAccumulationSteps,
        };
        foreach (var (k, v) in Specific(optimizer)) c[k] = v;
        return new JsonObject { ["module"] = "keras.optimizers", ["class_name"] = ClassName(optimizer), ["config"] = c, ["registered_name"] = null };
    }

    /// <summary>
    /// tf.keras 2's <c>training_config["optimizer_config"]</c>: class and config with <c>name</c>,
    /// <c>learning_rate</c>, <c>decay</c> (always 0: Graft has no per-step decay), the clipping options
    /// that are set, and the optimizer's own keys.
    /// </summary>
    public static JsonObject SerializeKeras2(Optimizer optimizer)
    {
        var c = new JsonObject { ["name"] = ClassName(optimizer), ["learning_rate"] = LearningRate(optimizer, keras3: false), ["decay"] = 0.0 };
        if (optimizer.WeightDecay is { } wd) c["weight_decay"] = wd;
        if (optimizer.Clipnorm is { } cn) c["clipnorm"] = cn;
        if (optimizer.Clipvalue is { } cv) c["clipvalue"] = cv;
        if (optimizer.GlobalClipnorm is { } gc) c["global_clipnorm"] = gc;
        if (optimizer.UseEma)
        {
            c["use_ema"] = true; c["ema_momentum"] = optimizer.EmaMomentum; c["ema_overwrite_frequency"] = optimizer.EmaOverwriteFrequency;
        }
        if (optimizer.GradientAccumulationSteps is { } steps) c["gradient_accumulation_steps"] = steps;
        foreach (var (k, v) in Specific(optimizer)) c[k] = v;
        return new JsonObject { ["class_name"] = ClassName(optimizer), ["config"] = c };
    }

    private static string ClassName(Optimizer o) => o.GetType().Name;

    private static IEnumerable<(string, JsonNode?)> Specific(Optimizer optimizer) => optimizer switch
    {
        // AdamW derives from Adam and shares its keys; its decay is the base weight_decay.
        Adam a => [("beta_1", a.Beta1), ("beta_2", a.Beta2), ("epsilon", a.Epsilon), ("amsgrad", a.Amsgrad)],
        SGD s => [("momentum", s.Momentum), ("nesterov", s.Nesterov)],
        RMSprop r => [("rho", r.Rho), ("momentum", r.Momentum), ("epsilon", r.Epsilon), ("centered", r.Centered)],
        Adagrad g => [("initial_accumulator_value", g.InitialAccumulatorValue), ("epsilon", g.Epsilon)],
        Nadam n => [("beta_1", n.Beta1), ("beta_2", n.Beta2), ("epsilon", n.Epsilon)],
        Adamax x => [("beta_1", x.Beta1), ("beta_2", x.Beta2), ("epsilon", x.Epsilon)],
        Adadelta d => [("rho", d.Rho), ("epsilon", d.Epsilon)],
        Lion l => [("beta_1", l.Beta1), ("beta_2", l.Beta2)],
        Lamb l => [("beta_1", l.Beta1), ("beta_2", l.Beta2), ("epsilon", l.Epsilon)],
        Ftrl f => [("learning_rate_power", f.LearningRatePower), ("initial_accumulator_value", f.InitialAccumulatorValue),
            ("l1_regularization_strength", f.L1RegularizationStrength), ("l2_regularization_strength", f.L2RegularizationStrength),
            ("l2_shrinkage_regularization_strength", f.L2ShrinkageRegularizationStrength), ("beta", f.Beta)],
        Adafactor a => [("beta_2_decay", a.Beta2Decay), ("epsilon_1", a.Epsilon1), ("epsilon_2", a.Epsilon2),
            ("clip_threshold", a.ClipThreshold), ("relative_step", a.RelativeStep)],
        _ => throw new NotSupportedException($"{optimizer.Name}: expected an optimizer Graft can write in Keras's form (SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Lamb, Ftrl, Adafactor), got class '{optimizer.GetType().Name}'."),
    };

    private static JsonNode LearningRate(Optimizer optimizer, bool keras3)
    {
        if (optimizer.Schedule is not { } s) return optimizer.LearningRate;
        var (cls, config) = s switch
        {
            ExponentialDecay e => ("ExponentialDecay", new JsonObject
            {
                ["initial_learning_rate"] = e.InitialLearningRate, ["decay_steps"] = e.DecaySteps, ["decay_rate"] = e.DecayRate,
                ["staircase"] = e.Staircase, ["name"] = "ExponentialDecay",
            }),
            CosineDecay c => ("CosineDecay", new JsonObject
            {
                ["initial_learning_rate"] = c.InitialLearningRate, ["decay_steps"] = c.DecaySteps, ["alpha"] = c.Alpha,
                ["name"] = "CosineDecay", ["warmup_target"] = c.WarmupTarget, ["warmup_steps"] = c.WarmupSteps,
            }),
            PiecewiseConstantDecay p => ("PiecewiseConstantDecay", new JsonObject
            {
                ["boundaries"] = new JsonArray(p.Boundaries.Select(b => (JsonNode)b).ToArray()),
                ["values"] = new JsonArray(p.Values.Select(v => (JsonNode)v).ToArray()), ["name"] = "PiecewiseConstant",
            }),
            InverseTimeDecay i => ("InverseTimeDecay", new JsonObject
            {
                ["initial_learning_rate"] = i.InitialLearningRate, ["decay_steps"] = i.DecaySteps, ["decay_rate"] = i.DecayRate,
                ["staircase"] = i.Staircase, ["name"] = "InverseTimeDecay",
            }),
            PolynomialDecay d => ("PolynomialDecay", new JsonObject
            {
                ["initial_learning_rate"] = d.InitialLearningRate, ["decay_steps"] = d.DecaySteps, ["end_learning_rate"] = d.EndLearningRate,
                ["power"] = d.Power, ["cycle"] = d.Cycle, ["name"] = "PolynomialDecay",
            }),
            CosineDecayRestarts r => ("CosineDecayRestarts", new JsonObject
            {
                ["initial_learning_rate"] = r.InitialLearningRate, ["first_decay_steps"] = r.FirstDecaySteps, ["t_mul"] = r.TMul,
                ["m_mul"] = r.MMul, ["alpha"] = r.Alpha, ["name"] = "SGDRDecay",
            }),
            _ => throw new NotSupportedException($"{optimizer.Name}: expected a learning-rate schedule Graft can write in Keras's form (ExponentialDecay, CosineDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay, CosineDecayRestarts), got class '{s.GetType().Name}'."),
        };
        return keras3
            ? new JsonObject { ["module"] = "keras.optimizers.schedules", ["class_name"] = cls, ["config"] = config, ["registered_name"] = null }
            : new JsonObject { ["class_name"] = cls, ["config"] = config };
    }

    /// <summary>An optimizer from any of Keras's forms.</summary>
    /// <exception cref="ArgumentException">The optimizer, a schedule, or an option that changes training is one Graft lacks; the message says which.</exception>
    public static Optimizer Deserialize(JsonNode node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var id)) return Optimizer.Get(id);
        if (node is not JsonObject o || o["class_name"] is not JsonValue cv || !cv.TryGetValue<string>(out var cls))
            throw new ArgumentException($"expected an optimizer (an identifier or {{\"class_name\", \"config\"}}), got {node.ToJsonString()}");
        // tf.keras 2.11 wrote "Custom>Adam" for its new optimizers.
        if (cls.StartsWith("Custom>", StringComparison.Ordinal)) cls = cls["Custom>".Length..];
        var c = o["config"] as JsonObject ?? [];
        string what = $"optimizer '{cls}'";
        if (c["loss_scale_factor"] is { } scale) throw new ArgumentException($"{what}: loss_scale_factor={scale.ToJsonString()} is not supported by Graft");
        bool useEma = Bool(c, "use_ema", false, what);
        double emaMomentum = Number(c, "ema_momentum", what) ?? 0.99;
        int? emaOverwrite = Integer(c, "ema_overwrite_frequency", what), accumulation = Integer(c, "gradient_accumulation_steps", what);
        // Keras 3 ignores Keras 2's per-step "decay" (with a warning); so does Graft.
        LearningRate? rate = null;
        if (c["learning_rate"] is JsonObject schedule) rate = Schedule(schedule);
        else if ((Number(c, "learning_rate", what) ?? Number(c, "lr", what)) is { } lr) rate = lr;
        double? wd = Number(c, "weight_decay", what), clipnorm = Number(c, "clipnorm", what), clipvalue = Number(c, "clipvalue", what), globalClipnorm = Number(c, "global_clipnorm", what);
        double Get(string key, double fallback) => Number(c, key, what) ?? fallback;
        Optimizer optimizer = cls.ToLowerInvariant() switch
        {
            "sgd" => new SGD(rate, Get("momentum", 0), Bool(c, "nesterov", false, what), wd, clipnorm, clipvalue, globalClipnorm),
            "adam" => new Adam(rate, Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7), Bool(c, "amsgrad", false, what), wd, clipnorm, clipvalue, globalClipnorm),
            "adamw" => new AdamW(rate, wd ?? 0.004, Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7), Bool(c, "amsgrad", false, what), clipnorm, clipvalue, globalClipnorm),
            "rmsprop" => new RMSprop(rate, Get("rho", 0.9), Get("momentum", 0), Get("epsilon", 1e-7), Bool(c, "centered", false, what), wd, clipnorm, clipvalue, globalClipnorm),
            "adagrad" => new Adagrad(rate, Get("initial_accumulator_value", 0.1), Get("epsilon", 1e-7), wd, clipnorm, clipvalue, globalClipnorm),
            "nadam" => new Nadam(rate, Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7), wd, clipnorm, clipvalue, globalClipnorm),
            "adamax" => new Adamax(rate, Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7), wd, clipnorm, clipvalue, globalClipnorm),
            "adadelta" => new Adadelta(rate, Get("rho", 0.95), Get("epsilon", 1e-7), wd, clipnorm, clipvalue, globalClipnorm),
            "lion" => new Lion(rate, Get("beta_1", 0.9), Get("beta_2", 0.99), wd, clipnorm, clipvalue, globalClipnorm),
            "lamb" => new Lamb(rate, Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7), wd, clipnorm, clipvalue, globalClipnorm),
            "ftrl" => new Ftrl(rate, Get("learning_rate_power", -0.5), Get("initial_accumulator_value", 0.1), Get("l1_regularization_strength", 0),
                Get("l2_regularization_strength", 0), Get("l2_shrinkage_regularization_strength", 0), Get("beta", 0), wd, clipnorm, clipvalue, globalClipnorm),
            "adafactor" => new Adafactor(rate, Get("beta_2_decay", -0.8), Get("epsilon_1", 1e-30), Get("epsilon_2", 1e-3), Get("clip_threshold", 1.0),
                Bool(c, "relative_step", true, what), wd, clipnorm, clipvalue, globalClipnorm),
            _ => throw new ArgumentException($"{what} is not one Graft has (SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Lamb, Ftrl, Adafactor)"),
        };
        try
        {
            optimizer.ConfigureBase(useEma, emaMomentum, emaOverwrite, accumulation);
        }
        catch (ArgumentOutOfRangeException e) { throw new ArgumentException($"{what}: {e.Message.Split(" (Parameter")[0]}"); }
        return optimizer;
    }

    private static LearningRateSchedule Schedule(JsonObject node)
    {
        string cls = node["class_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "?";
        var c = node["config"] as JsonObject ?? [];
        string what = $"learning-rate schedule '{cls}'";
        double Req(string key) => Number(c, key, what) ?? throw new ArgumentException($"{what}: expected '{key}', got none");
        long Steps(string key) => checked((long)Req(key));
        return cls switch
        {
            "ExponentialDecay" => new ExponentialDecay(Req("initial_learning_rate"), Steps("decay_steps"), Req("decay_rate"), Bool(c, "staircase", false, what)),
            "CosineDecay" => new CosineDecay(Req("initial_learning_rate"), Steps("decay_steps"), Number(c, "alpha", what) ?? 0, Number(c, "warmup_target", what),
                Number(c, "warmup_steps", what) is { } ws ? checked((long)ws) : 0),
            "PiecewiseConstantDecay" => new PiecewiseConstantDecay(Numbers(c, "boundaries", what).Select(b => checked((long)b)).ToArray(), Numbers(c, "values", what)),
            "InverseTimeDecay" => new InverseTimeDecay(Req("initial_learning_rate"), Steps("decay_steps"), Req("decay_rate"), Bool(c, "staircase", false, what)),
            "PolynomialDecay" => new PolynomialDecay(Req("initial_learning_rate"), Steps("decay_steps"), Number(c, "end_learning_rate", what) ?? 0.0001,
                Number(c, "power", what) ?? 1.0, Bool(c, "cycle", false, what)),
            "CosineDecayRestarts" => new CosineDecayRestarts(Req("initial_learning_rate"), Steps("first_decay_steps"), Number(c, "t_mul", what) ?? 2.0,
                Number(c, "m_mul", what) ?? 1.0, Number(c, "alpha", what) ?? 0.0),
            _ => throw new ArgumentException($"{what} is not one Graft has (ExponentialDecay, CosineDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay, CosineDecayRestarts)"),
        };
    }

    private static double? Number(JsonObject c, string key, string what)
    {
        if (c[key] is not { } n) return null;
        try { return ConfigReader.Num(n); }
        catch (Exception e) when (e is InvalidOperationException or FormatException) { throw new ArgumentException($"{what}: expected '{key}' to be a number, got {n.ToJsonString()}"); }
    }

    private static int? Integer(JsonObject c, string key, string what)
    {
        if (Number(c, key, what) is not { } x) return null;
        if (x != Math.Floor(x) || x < int.MinValue || x > int.MaxValue) throw new ArgumentException($"{what}: expected '{key}' to be an integer, got {c[key]!.ToJsonString()}");
        return (int)x;
    }

    private static double[] Numbers(JsonObject c, string key, string what) =>
        c[key] is JsonArray a ? a.Select(x => x is null ? throw new ArgumentException($"{what}: expected '{key}' to be a list of numbers, got {a.ToJsonString()}") : ConfigReader.Num(x)).ToArray()
        : throw new ArgumentException($"{what}: expected '{key}' to be a list of numbers, got {c[key]?.ToJsonString() ?? "none"}");

    private static bool Bool(JsonObject c, string key, bool fallback, string what) => c[key] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var n => throw new ArgumentException($"{what}: expected '{key}' to be true or false, got {n.ToJsonString()}"),
    };
}
