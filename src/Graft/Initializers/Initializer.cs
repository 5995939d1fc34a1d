using System.Text.Json.Nodes;
using Graft.Config;
using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>Creates a weight's starting values (Keras's <c>keras.initializers</c>).</summary>
public abstract class Initializer
{
    /// <summary>Seed for repeatable values; null draws from the current context's <see cref="GraftContext.Generator"/>.</summary>
    public long? Seed { get; init; }

    /// <summary>Keras's class name, as written in model files.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>A new tensor of <paramref name="shape"/>.</summary>
    public abstract Tensor Call(int[] shape);

    /// <summary>The generator to draw from: the seeded one, or the global one.</summary>
    protected Generator Generator => Seed is { } s ? new Generator(s) : GraftContext.Current.Generator;

    /// <summary>Keras's <c>get_config()</c>.</summary>
    public virtual JsonObject GetConfig() => new() { ["seed"] = Seed };

    /// <summary>Keras's serialized form: <c>{"module", "class_name", "config", "registered_name"}</c>.</summary>
    public JsonObject Serialize() => KerasJson.Wrap("keras.initializers", ClassName, GetConfig());

    /// <summary>An initializer from Keras's serialized form: an identifier, or <c>{"class_name", "config"}</c> of any Keras era.</summary>
    /// <exception cref="FormatException">The node is not a serialized initializer.</exception>
    /// <exception cref="ArgumentException">The class is unknown.</exception>
    internal static Initializer Deserialize(JsonNode node)
    {
        var (name, c) = KerasJson.Unwrap(node);
        long? seed = c["seed"] is { } s ? KerasJson.ToLong(s) : null;
        Initializer init = Normalize(name) switch
        {
            "constant" => new Constant(KerasJson.Float(c, "value", 0f)),
            "randomnormal" or "normal" => new RandomNormal(KerasJson.Float(c, "mean", 0f), KerasJson.Float(c, "stddev", 0.05f)),
            "randomuniform" or "uniform" => new RandomUniform(KerasJson.Float(c, "minval", -0.05f), KerasJson.Float(c, "maxval", 0.05f)),
            "truncatednormal" => new TruncatedNormal(KerasJson.Float(c, "mean", 0f), KerasJson.Float(c, "stddev", 0.05f)),
            "orthogonal" => new Orthogonal(KerasJson.Float(c, "gain", 1f)),
            "variancescaling" => new VarianceScaling(KerasJson.Float(c, "scale", 1f), KerasJson.String(c, "mode", "fan_in"), KerasJson.String(c, "distribution", "truncated_normal")),
            _ => Get(name),
        };
        return seed is null ? init : WithSeed(init, seed.Value);
    }

    // Seed is init-only: a seeded initializer is a new one with the same parameters.
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

    /// <summary>
    /// Resolves a Keras identifier (<c>"glorot_uniform"</c>, <c>"he_normal"</c>, <c>"zeros"</c>, …)
    /// or class name to an initializer with Keras's defaults.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static Initializer Get(string identifier) => Normalize(identifier) switch
    {
        "glorotuniform" => new GlorotUniform(),
        "glorotnormal" => new GlorotNormal(),
        "heuniform" => new HeUniform(),
        "henormal" => new HeNormal(),
        "lecununiform" => new LecunUniform(),
        "lecunnormal" => new LecunNormal(),
        "zeros" or "zero" => new Zeros(),
        "ones" or "one" => new Ones(),
        "constant" => new Constant(),
        "randomnormal" or "normal" => new RandomNormal(),
        "randomuniform" or "uniform" => new RandomUniform(),
        "truncatednormal" => new TruncatedNormal(),
        "orthogonal" => new Orthogonal(),
        "variancescaling" => new VarianceScaling(),
        _ => throw new ArgumentException($"Initializer: expected one of glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, zeros, ones, constant, random_normal, random_uniform, truncated_normal, orthogonal, variance_scaling; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where an initializer is expected.</summary>
    public static implicit operator Initializer(string identifier) => Get(identifier);

    /// <summary>Lower case without underscores; Keras 3's "OrthogonalInitializer" and "orthogonal" match.</summary>
    internal static string Normalize(string s)
    {
        var n = s.Replace("_", "").ToLowerInvariant();
        return n.Length > "initializer".Length && n.EndsWith("initializer") ? n[..^"initializer".Length] : n;
    }

    /// <summary>Keras's fan computation: (fan_in, fan_out), kernels' receptive field included.</summary>
    internal static (double fanIn, double fanOut) Fans(int[] shape)
    {
        if (shape.Length == 0) return (1, 1);
        if (shape.Length == 1) return (shape[0], shape[0]);
        if (shape.Length == 2) return (shape[0], shape[1]);
        double receptive = 1;
        for (int i = 0; i < shape.Length - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }
}
