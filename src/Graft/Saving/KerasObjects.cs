using System.Text.Json.Nodes;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;

namespace Graft.Saving;

/// <summary>
/// Keras's serialized form of config objects: Keras 3 writes
/// <c>{"module", "class_name", "config", "registered_name"}</c>, Keras 2 <c>{"class_name", "config"}</c>,
/// and both accept a bare identifier string.
/// </summary>
internal static class KerasObjects
{
    public static JsonObject? Serialize(Regularizer? r) => r is null ? null : Wrap("keras.regularizers", r.ClassName, r.GetConfig());
    public static JsonObject? Serialize(Constraint? c) => c is null ? null : Wrap("keras.constraints", c.ClassName, c.GetConfig());

    private static JsonObject Wrap(string module, string className, JsonObject config) => new()
    {
        ["module"] = module, ["class_name"] = className, ["config"] = config, ["registered_name"] = null,
    };

    private static (string name, ConfigReader config) Split(JsonNode node, string what)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return (s, new ConfigReader([], what));
        if (node is JsonObject o && o["class_name"]?.GetValue<string>() is { } cls)
            return (cls, new ConfigReader(o["config"] as JsonObject ?? [], $"{what} '{cls}'"));
        throw new FormatException();
    }

    public static Initializer DeserializeInitializer(JsonNode node)
    {
        var (name, c) = Split(node, "Initializer");
        long? seed = c.NullableLong("seed");
        Initializer init = Initializer.Normalize(name) switch
        {
            "constant" => new Constant(c.Float("value", 0f)),
            "randomnormal" or "normal" => new RandomNormal(c.Float("mean", 0f), c.Float("stddev", 0.05f)),
            "randomuniform" or "uniform" => new RandomUniform(c.Float("minval", -0.05f), c.Float("maxval", 0.05f)),
            "truncatednormal" => new TruncatedNormal(c.Float("mean", 0f), c.Float("stddev", 0.05f)),
            "orthogonal" => new Orthogonal(c.Float("gain", 1f)),
            "variancescaling" => new VarianceScaling(c.Float("scale", 1f), c.String("mode", "fan_in")!, c.String("distribution", "truncated_normal")!),
            _ => Initializer.Get(name),
        };
        return seed is null ? init : WithSeed(init, seed.Value);
    }

    private static Initializer WithSeed(Initializer init, long seed) => init switch
    {
        GlorotUniform => new GlorotUniform { Seed = seed },
        GlorotNormal => new GlorotNormal { Seed = seed },
        HeUniform => new HeUniform { Seed = seed },
        HeNormal => new HeNormal { Seed = seed },
        LecunUniform => new LecunUniform { Seed = seed },
        LecunNormal => new LecunNormal { Seed = seed },
        RandomNormal r => new RandomNormal(r.Mean, r.Stddev) { Seed = seed },
        RandomUniform r => new RandomUniform(r.Minval, r.Maxval) { Seed = seed },
        TruncatedNormal r => new TruncatedNormal(r.Mean, r.Stddev) { Seed = seed },
        Orthogonal r => new Orthogonal(r.Gain) { Seed = seed },
        VarianceScaling v => new VarianceScaling(v.Scale, v.Mode, v.Distribution) { Seed = seed },
        _ => init,
    };

    public static Regularizer DeserializeRegularizer(JsonNode node)
    {
        var (name, c) = Split(node, "Regularizer");
        return name.Replace("_", "").ToLowerInvariant() switch
        {
            "l1" => new L1(c.Float("l1", 0.01f)),
            "l2" => new L2(c.Float("l2", 0.01f)),
            "l1l2" => new L1L2(c.Float("l1", 0f), c.Float("l2", 0f)),
            _ => throw new NotSupportedException($"Regularizer: Graft has no regularizer '{name}'."),
        };
    }

    public static Constraint DeserializeConstraint(JsonNode node)
    {
        var (name, c) = Split(node, "Constraint");
        return name.Replace("_", "").ToLowerInvariant() switch
        {
            "maxnorm" => new MaxNorm(c.Float("max_value", 2f), c.Int("axis", 0)),
            "minmaxnorm" => new MinMaxNorm(c.Float("min_value", 0f), c.Float("max_value", 1f), c.Float("rate", 1f), c.Int("axis", 0)),
            "nonneg" => new NonNeg(),
            "unitnorm" => new UnitNorm(c.Int("axis", 0)),
            _ => throw new NotSupportedException($"Constraint: Graft has no constraint '{name}'."),
        };
    }
}
