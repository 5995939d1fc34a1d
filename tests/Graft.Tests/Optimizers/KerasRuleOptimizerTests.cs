using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Optimizers;

/// <summary>
/// Lamb, Ftrl and Adafactor, and the base options use_ema and gradient_accumulation_steps, step by
/// step against a float64 NumPy transcription of Keras 3's update rules (Fixtures/reference, made by
/// tools/reference/make_optimizer_goldens.py: PyTorch 1.13 has none of these optimizers); their
/// configs and saved state in Keras's names and order.
/// </summary>
public class KerasRuleOptimizerTests
{
    private static readonly JsonObject Goldens = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "reference", "optimizer_goldens.json")))!.AsObject();

    private static float[] F(JsonNode n) => n.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();

    /// <summary>A Conv1D kernel (2, 3, 4), a Dense kernel (3, 4) and its bias (4,), set to the goldens' initial values.</summary>
    private static List<Variable> Weights()
    {
        var conv = new Conv1D(4, 2, useBias: false);
        conv.Build([null, 5, 3]);
        var dense = new Dense(4);
        dense.Build([null, 3]);
        var weights = new List<Variable> { conv.Weights[0], dense.Weights[0], dense.Weights[1] };
        var initial = Goldens["initial"]!.AsArray();
        for (int i = 0; i < weights.Count; i++) weights[i].Value.Assign(Tensor.FromArray(F(initial[i]!), weights[i].Shape.ToArray()));
        return weights;
    }

    private static Optimizer Make(string name, JsonObject cfg)
    {
        double D(string key, double fallback) => cfg[key]?.GetValue<double>() ?? fallback;
        Optimizer opt = name switch
        {
            "lamb" => new Lamb(D("learning_rate", 0.001), D("beta_1", 0.9), D("beta_2", 0.999), D("epsilon", 1e-7)),
            "ftrl" => new Ftrl(D("learning_rate", 0.001), D("learning_rate_power", -0.5), D("initial_accumulator_value", 0.1),
                D("l1_regularization_strength", 0), D("l2_regularization_strength", 0), D("l2_shrinkage_regularization_strength", 0), D("beta", 0)),
            "adafactor" => new Adafactor(D("learning_rate", 0.001), D("beta_2_decay", -0.8), D("epsilon_1", 1e-30), D("epsilon_2", 1e-3), D("clip_threshold", 1)),
            "adam" => new Adam(D("learning_rate", 0.001)),
            _ => throw new InvalidOperationException(name),
        };
        // The base options as a file's config gives them (the same path as loading).
        return WithBase(opt, cfg);
    }

    private static Optimizer WithBase(Optimizer opt, JsonObject cfg)
    {
        var c = OptimizerConfig.Serialize(opt);
        foreach (var key in new[] { "use_ema", "ema_momentum", "ema_overwrite_frequency", "gradient_accumulation_steps" })
            if (cfg[key] is { } v) c["config"]![key] = v.DeepClone();
        return OptimizerConfig.Deserialize(c);
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Goldens["cases"]!.AsArray().Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesKerasRuleStepByStep(int index)
    {
        var c = Goldens["cases"]![index]!;
        var opt = Make(c["optimizer"]!.GetValue<string>(), c["config"]!.AsObject());
        var weights = Weights();
        var grads = Goldens["gradients"]!.AsArray();
        var expected = c["weights"]!.AsArray();
        string what = $"{opt.Name} {c["config"]!.ToJsonString()}";
        for (int s = 0; s < grads.Count; s++)
        {
            for (int i = 0; i < weights.Count; i++)
            {
                weights[i].Value.RequiresGrad = true;
                weights[i].Value.Grad = Tensor.FromArray(F(grads[s]![i]!), weights[i].Shape.ToArray());
            }
            opt.Apply(weights);
            for (int i = 0; i < weights.Count; i++) AssertClose(F(expected[s]![i]!), weights[i].Value.ToArray(), $"{what} step {s + 1}, weight {i}");
        }
        Assert.Equal(grads.Count, opt.AppliedSteps);
        if (c["averages"] is JsonArray averages)
        {
            opt.FinalizeVariableValues(weights);
            for (int i = 0; i < weights.Count; i++) AssertClose(F(averages[i]!), weights[i].Value.ToArray(), $"{what} moving average of weight {i}");
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= 5e-5 * (1 + Math.Abs(expected[j])), $"{what}, element {j}: reference {expected[j]}, Graft {actual[j]}");
    }

    [Fact]
    public void GradientAccumulationCountsIterationsAsKerasDoes()
    {
        var opt = new Adam(0.01) { GradientAccumulationSteps = 3 };
        var weights = Weights();
        for (int s = 0; s < 7; s++)
        {
            foreach (var w in weights) { w.Value.RequiresGrad = true; w.Value.Grad = Tensor.Full(1f, w.Shape.ToArray()); }
            opt.Apply(weights);
        }
        // Keras's optimizer.iterations is the real updates, its saved _iterations the batches.
        Assert.Equal(7, opt.AppliedSteps);
        Assert.Equal(2, opt.Iterations);
        Assert.Equal(1f, opt.AccumulatorFor(weights[0]).ToArray()[0]);
    }

    [Fact]
    public void BadBaseOptionsAreRejectedWithKerasNames()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Lamb { GradientAccumulationSteps = 1 });
        Assert.Contains("gradient_accumulation_steps >= 2", e.Message);
        Assert.Contains("ema_momentum in [0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl { EmaMomentum = 1.5 }).Message);
        Assert.Contains("ema_overwrite_frequency >= 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor { EmaOverwriteFrequency = 0 }).Message);
        Assert.Contains("l1_regularization_strength >= 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(l1RegularizationStrength: -1)).Message);
        Assert.Contains("learning_rate_power <= 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(learningRatePower: 0.5)).Message);
    }

    public static TheoryData<string> Identifiers() => new("lamb", "ftrl", "adafactor");

    [Theory]
    [MemberData(nameof(Identifiers))]
    public void KerasIdentifiersGiveKerasDefaults(string id)
    {
        var c = OptimizerConfig.Serialize(Optimizer.Get(id))["config"]!.AsObject();
        Assert.Equal(id, c["name"]!.GetValue<string>());
        Assert.Equal(0.001, c["learning_rate"]!.GetValue<double>());
        Assert.False(c["use_ema"]!.GetValue<bool>());
        Assert.Equal(0.99, c["ema_momentum"]!.GetValue<double>());
        Assert.Null(c["gradient_accumulation_steps"]);
        var expected = id switch
        {
            "lamb" => new Dictionary<string, object> { ["beta_1"] = 0.9, ["beta_2"] = 0.999, ["epsilon"] = 1e-7 },
            "ftrl" => new() { ["learning_rate_power"] = -0.5, ["initial_accumulator_value"] = 0.1, ["l1_regularization_strength"] = 0.0,
                ["l2_regularization_strength"] = 0.0, ["l2_shrinkage_regularization_strength"] = 0.0, ["beta"] = 0.0 },
            _ => new() { ["beta_2_decay"] = -0.8, ["epsilon_1"] = 1e-30, ["epsilon_2"] = 1e-3, ["clip_threshold"] = 1.0, ["relative_step"] = true },
        };
        foreach (var (key, value) in expected)
            Assert.Equal(value.ToString(), value is bool ? c[key]!.GetValue<bool>().ToString() : c[key]!.GetValue<double>().ToString());
    }

    [Fact]
    public void ConfigsRoundTripWithEveryOption()
    {
        Optimizer[] all =
        [
            new Lamb(0.02, 0.8, 0.95, 1e-5, weightDecay: 0.01) { UseEma = true, EmaMomentum = 0.9, EmaOverwriteFrequency = 5 },
            new Ftrl(0.3, -0.7, 0.2, 0.01, 0.02, 0.03, 0.4, clipnorm: 1.0) { GradientAccumulationSteps = 4 },
            new Adafactor(0.01, -0.6, 1e-29, 2e-3, 0.7, relativeStep: false, globalClipnorm: 2.0) { UseEma = true, GradientAccumulationSteps = 2 },
        ];
        foreach (var opt in all)
        {
            var json = OptimizerConfig.Serialize(opt);
            var back = OptimizerConfig.Deserialize(JsonNode.Parse(json.ToJsonString())!);
            Assert.Equal(opt.GetType(), back.GetType());
            Assert.Equal(json.ToJsonString(), OptimizerConfig.Serialize(back).ToJsonString());
            var keras2 = OptimizerConfig.SerializeKeras2(opt);
            Assert.Equal(json.ToJsonString(), OptimizerConfig.Serialize(OptimizerConfig.Deserialize(keras2)).ToJsonString());
        }
        var c = OptimizerConfig.Serialize(all[2])["config"]!;
        Assert.Equal("Adafactor", OptimizerConfig.Serialize(all[2])["class_name"]!.GetValue<string>());
        Assert.True(c["use_ema"]!.GetValue<bool>());
        Assert.Equal(2, c["gradient_accumulation_steps"]!.GetValue<int>());
        Assert.False(c["relative_step"]!.GetValue<bool>());
    }

    private static (Sequential Model, Tensor X, Tensor Y) Trained(Optimizer opt, int epochs)
    {
        var g = new Generator(5);
        var x = Tensor.RandomNormal([40, 5, 3], generator: g);
        var y = Tensor.RandomNormal([40, 2], generator: g);
        var model = new Sequential([
            new Conv1D(4, 2, inputShape: [5, 3], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }),
            new Flatten(),
            new Dense(2, kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 })]);
        model.Compile("mse", opt);
        model.Fit(x, y, batchSize: 8, epochs: epochs, shuffle: false, verbose: 0);
        return (model, x, y);
    }

    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"graft-opt-{Guid.NewGuid():N}{ext}");

    /// <summary>
    /// Keras 3's optimizer.variables for Adafactor with use_ema and gradient accumulation, as the
    /// Keras version Graft's files name (3.4.1) orders them: iteration, learning_rate, the average and
    /// the accumulator of each weight in turn (Keras 3.10 puts every average first), then for each
    /// weight r and c (two or more axes only) and velocity. Both formats hold them in that order and
    /// load them back.
    /// </summary>
    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void AdafactorStateWithEmaAndAccumulatorsIsSavedInKerasOrderAndLoads(string ext)
    {
        // 5 batches an epoch, updates every 2: the file is written with gradients accumulated.
        var (model, _, _) = Trained(new Adafactor(0.05) { UseEma = true, EmaMomentum = 0.9, GradientAccumulationSteps = 2 }, epochs: 3);
        var opt = model.Optimizer!;
        var w = model.TrainableWeights;   // conv kernel (2, 3, 4), conv bias (4,), dense kernel (12, 2), dense bias (2,)
        string P(Variable v) => $"{model.Name}_{v.Owner.Name}_{v.Name}";
        var names = new List<string> { "iteration", "learning_rate" };
        foreach (var v in w) names.AddRange([P(v) + "_average", P(v) + "_gradient_accumulator"]);
        foreach (var v in w)
            names.AddRange(v.Shape.Rank >= 2 ? [P(v) + "_r", P(v) + "_c", P(v) + "_velocity"] : [P(v) + "_velocity"]);
        var values = new List<float[]> { new[] { (float)opt.AppliedSteps }, new[] { (float)opt.LearningRate } };
        foreach (var v in w) values.AddRange([opt.AverageFor(v).ToArray(), opt.AccumulatorFor(v).ToArray()]);
        foreach (var v in w)
            values.AddRange(v.Shape.Rank >= 2 ? opt.SlotsFor(v).Select(t => t.ToArray()) : [opt.SlotsFor(v)[0].ToArray()]);
        Assert.Contains(values.Skip(3).Take(2 * w.Count).Where((_, i) => i % 2 == 0), a => a.Any(x => x != 0));   // accumulators hold something

        string path = Temp(ext);
        try
        {
            model.Save(path);
            var stored = ext == ".keras" ? KerasVars(path) : H5Vars(path, names);
            Assert.Equal(names.Count, stored.Count);
            Assert.Equal(15L, opt.AppliedSteps);
            for (int i = 0; i < names.Count; i++) Assert.Equal(values[i], stored[i]);

            var loaded = Model.Load(path);
            var lo = Assert.IsType<Adafactor>(loaded.Optimizer);
            Assert.True(lo.UseEma);
            Assert.Equal(2, lo.GradientAccumulationSteps);
            Assert.Equal(15L, lo.AppliedSteps);
            Assert.Equal(7L, lo.Iterations);
            for (int i = 0; i < w.Count; i++)
            {
                Assert.Equal(opt.AverageFor(w[i]).ToArray(), lo.AverageFor(loaded.TrainableWeights[i]).ToArray());
                Assert.Equal(opt.AccumulatorFor(w[i]).ToArray(), lo.AccumulatorFor(loaded.TrainableWeights[i]).ToArray());
                Assert.Equal(opt.SlotsFor(w[i]).Select(t => t.ToArray()), lo.SlotsFor(loaded.TrainableWeights[i]).Select(t => t.ToArray()));
            }
        }
        finally { File.Delete(path); }

        List<float[]> KerasVars(string file)
        {
            using var zip = ZipFile.OpenRead(file);
            using var ms = new MemoryStream();
            using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
            ms.Position = 0;
            using var h5 = PureHDF.H5File.Open(ms, leaveOpen: true);
            var vars = h5.Group("optimizer/vars");
            Assert.Equal("adafactor", vars.Attribute("name").Read<string>());
            int n = vars.Children().Count();
            return [.. Enumerable.Range(0, n).Select(i => Read(vars.Dataset(i.ToString())))];
        }

        List<float[]> H5Vars(string file, List<string> expectedNames)
        {
            using var h5 = PureHDF.H5File.OpenRead(file);
            var group = h5.Group("optimizer_weights");
            var stored = group.Attribute("weight_names").Read<string[]>();
            Assert.Equal(expectedNames.Select(n => "adafactor/" + n), stored);
            return [.. stored.Select(n => Read(group.Dataset(n)))];
        }

        static float[] Read(PureHDF.IH5Dataset d) => d.Type.Class == PureHDF.H5DataTypeClass.FixedPoint ? [d.Read<long[]>()[0]] : d.Read<float[]>();
    }

    [Fact]
    public void FitEndsWithTheMovingAverageAsKerasFinalizes()
    {
        var (withEma, _, _) = Trained(new Lamb(0.02) { UseEma = true, EmaMomentum = 0.5 }, epochs: 2);
        var opt = withEma.Optimizer!;
        foreach (var v in withEma.TrainableWeights) Assert.Equal(opt.AverageFor(v).ToArray(), v.Value.ToArray());
        // Without the average the same run ends elsewhere: the weights of the last step.
        var (plain, _, _) = Trained(new Lamb(0.02), epochs: 2);
        Assert.NotEqual(plain.TrainableWeights[0].Value.ToArray(), withEma.TrainableWeights[0].Value.ToArray());
    }

    [Fact]
    public void AFitWithoutStepsLeavesTheWeightsAlone()
    {
        // Built but never stepped, the averages are zeros: taking them would wipe the model.
        var (model, x, y) = Trained(new Adam(0.01) { UseEma = true }, epochs: 0);
        var before = model.GetWeights().Select(w => w.ToArray()).ToList();
        model.Fit(x, y, epochs: 2, initialEpoch: 2, verbose: 0);
        Assert.Equal(before, model.GetWeights().Select(w => w.ToArray()));
        Assert.Contains(before, w => w.Any(v => v != 0));
    }
}
