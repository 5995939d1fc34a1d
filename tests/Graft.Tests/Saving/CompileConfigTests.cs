using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Losses;
using Graft.Models;
using Graft.Optimizers;
using Graft.Optimizers.Schedules;
using Graft.Tests.Testing;
using PureHDF;

namespace Graft.Tests.Saving;

/// <summary>
/// compile() survives a file: Keras 3's <c>compile_config</c> in <c>.keras</c>, Keras 2's
/// <c>training_config</c> in <c>.h5</c>, every optimizer option; unknown parts leave the model uncompiled.
/// </summary>
public class CompileConfigTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");

    private static JsonObject ZipConfig(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
        return JsonNode.Parse(r.ReadToEnd())!.AsObject();
    }

    /// <summary>The archive's optimizer learning_rate variable when it holds a built optimizer's state (more than iteration and rate).</summary>
    private static float? StoredLearningRate(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var ms = new MemoryStream();
        using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
        ms.Position = 0;
        using var f = H5File.Open(ms, leaveOpen: true);
        if (!f.LinkExists("optimizer/vars")) return null;
        var vars = f.Group("optimizer/vars");
        return vars.Children().Count() > 2 && vars.Dataset("1").Space.Rank == 0 ? vars.Dataset("1").Read<float[]>()[0] : null;
    }

    [Theory]
    [InlineData("k3.1.1_Moonflower_mnist_cnn.keras")]
    [InlineData("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.keras")]
    [InlineData("k3.8.0_CodingRayyan_gru.keras")]
    [InlineData("k3.8.0_Mohand_resnet1d_add_bn.keras")]
    [InlineData("k3.8.0_internshipkrishna_unet_concat.keras")]
    [InlineData("k3.9.2_sudo-sidd_cifar10_cnn.keras")]
    [InlineData("tfk2.13.1_DimimiS_conv_autoencoder.keras")]
    [InlineData("tfk2.15.0_Abhaypandy_churn_mlp.keras")]
    public void AdamCompiledKerasFilesLoadWithTheirAdam(string file)
    {
        string path = Fixtures.Keras(file);
        var optimizer = ZipConfig(path)["compile_config"]!["optimizer"]!;
        double lr = optimizer is JsonObject o ? o["config"]!["learning_rate"]!.GetValue<double>() : 0.001;
        var model = Model.Load(path);
        Assert.True(model.IsCompiled);
        var adam = Assert.IsType<Adam>(model.Optimizer);
        // Keras also restores the optimizer's variables, whose learning_rate (float32) is the rate
        // training had reached: k3.2.1's config says "adam" (0.001) but it trained at 0.0005.
        if (StoredLearningRate(path) is { } stored && stored != (float)lr) Assert.Equal(stored, (float)adam.LearningRate);
        else Assert.Equal(lr, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-7, adam.Epsilon);
    }

    [Fact]
    public void RmspropCompiledKerasFileKeepsItsLossObject()
    {
        var model = Model.Load(Fixtures.Keras("k3.3.3_ESP_DL_mnist_mlp_functional.keras"));
        Assert.IsType<RMSprop>(model.Optimizer);
        Assert.Equal("categorical_crossentropy", model.Loss!.Name);
        Assert.Equal(["accuracy"], model.Metrics.Select(m => m.Name));
    }

    [Fact]
    public void Keras3LegacyH5TrainingConfigIsRead()
    {
        // Keras 3 writes Keras 3's optimizer config under Keras 2's key "optimizer_config".
        var model = Model.Load(Fixtures.Keras("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.h5"));
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal(0.0005000000237487257, adam.LearningRate);
    }

    public static IEnumerable<object[]> Optimizers()
    {
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            yield return [ext, new SGD(0.05, momentum: 0.9, nesterov: true, clipnorm: 2.0)];
            yield return [ext, new Adam(0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true, clipvalue: 0.5)];
            yield return [ext, new AdamW(0.003, weightDecay: 0.01, beta1: 0.85, globalClipnorm: 1.5)];
            yield return [ext, new RMSprop(0.004, rho: 0.8, momentum: 0.1, epsilon: 1e-5, centered: true, weightDecay: 0.001)];
            yield return [ext, new Adagrad(0.02, initialAccumulatorValue: 0.2, epsilon: 1e-6)];
            yield return [ext, new Nadam(0.006, beta1: 0.7, beta2: 0.95, epsilon: 1e-8)];
            yield return [ext, new Adamax(0.007, beta1: 0.8, beta2: 0.9, epsilon: 1e-6, clipnorm: 1.0)];
            yield return [ext, new Adadelta(0.5, rho: 0.9, epsilon: 1e-6, weightDecay: 0.002)];
            yield return [ext, new Lion(0.0003, beta1: 0.95, beta2: 0.98, globalClipnorm: 2.0)];
            yield return [ext, new Adam(new ExponentialDecay(0.01, 100, 0.5, staircase: true))];
            yield return [ext, new SGD(new CosineDecay(0.1, 1000, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 10))];
            yield return [ext, new RMSprop(new PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]))];
            yield return [ext, new Adamax(new InverseTimeDecay(0.01, 10, 0.5, staircase: true))];
            yield return [ext, new Lion(new PolynomialDecay(0.001, 40, endLearningRate: 1e-5, power: 2, cycle: true))];
            yield return [ext, new SGD(new CosineDecayRestarts(0.1, 20, tMul: 1.5, mMul: 0.8, alpha: 0.05))];
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void EveryOptimizerOptionRoundTrips(string extension, Optimizer optimizer)
    {
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        model.Compile(new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1f), optimizer, ["accuracy", "mae"]);
        string path = Temp(extension);
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.True(loaded.IsCompiled);
            var o = loaded.Optimizer!;
            Assert.Equal(optimizer.GetType(), o.GetType());
            Assert.Equal(Describe(optimizer), Describe(o));
            foreach (long step in new long[] { 0, 5, 15, 50, 500 })
                Assert.Equal(optimizer.Schedule?.Call(step), o.Schedule?.Call(step));
            var loss = Assert.IsType<CategoricalCrossentropy>(loaded.Loss);
            Assert.True(loss.FromLogits);
            Assert.Equal(0.1f, loss.LabelSmoothing);
            Assert.Equal(["accuracy", "mae"], loaded.Metrics.Select(m => m.Name));
        }
        finally { File.Delete(path); }
    }

    /// <summary>Every public property of the optimizer but its step count, as text.</summary>
    private static string Describe(Optimizer o) => string.Join(", ", o.GetType().GetProperties()
        .Where(p => p.Name is not (nameof(Optimizer.Iterations) or nameof(Optimizer.Schedule)))
        .OrderBy(p => p.Name).Select(p => $"{p.Name}={p.GetValue(o)}"));

    [Fact]
    public void KerasFileHoldsKeras3CompileConfig()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", new Adam(0.01), ["mae"]);
        string path = Temp(".keras");
        try
        {
            model.Save(path);
            var cc = ZipConfig(path)["compile_config"]!.AsObject();
            Assert.Equal(["optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile"], cc.Select(p => p.Key));
            var opt = cc["optimizer"]!.AsObject();
            Assert.Equal(["module", "class_name", "config", "registered_name"], opt.Select(p => p.Key));
            Assert.Equal("keras.optimizers", opt["module"]!.GetValue<string>());
            Assert.Equal("Adam", opt["class_name"]!.GetValue<string>());
            var c = opt["config"]!.AsObject();
            foreach (var key in new[] { "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
                "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "beta_1", "beta_2", "epsilon", "amsgrad" })
                Assert.True(c.ContainsKey(key), key);
            Assert.Equal("adam", c["name"]!.GetValue<string>());
            Assert.Equal(0.01, c["learning_rate"]!.GetValue<double>());
            Assert.Equal("mean_squared_error", cc["loss"]!.GetValue<string>());
            Assert.False(cc.ContainsKey("optimizer_config"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void H5FileHoldsKeras2TrainingConfig()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", new RMSprop(0.02), ["mae"]);
        string path = Temp(".h5");
        try
        {
            model.Save(path);
            using var f = H5File.OpenRead(path);
            var tc = JsonNode.Parse(f.Attribute("training_config").Read<string>())!.AsObject();
            Assert.False(tc.ContainsKey("optimizer"));
            var oc = tc["optimizer_config"]!;
            Assert.Equal("RMSprop", oc["class_name"]!.GetValue<string>());
            Assert.Equal(0.02, oc["config"]!["learning_rate"]!.GetValue<double>());
            Assert.Equal(0.9, oc["config"]!["rho"]!.GetValue<double>());
            Assert.Equal("mean_squared_error", tc["loss"]!.GetValue<string>());
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("{\"module\": \"keras.optimizers\", \"class_name\": \"Muon\", \"config\": {\"learning_rate\": 0.001}, \"registered_name\": null}")]
    [InlineData("{\"module\": \"keras.optimizers\", \"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.001, \"loss_scale_factor\": 128.0}, \"registered_name\": null}")]
    [InlineData("{\"module\": \"keras.optimizers\", \"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.001, \"gradient_accumulation_steps\": 1}, \"registered_name\": null}")]
    [InlineData("\"muon\"")]
    public void AnOptimizerGraftLacksLeavesTheModelUncompiledNotRmsprop(string optimizerJson)
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        var cc = new JsonObject { ["optimizer"] = JsonNode.Parse(optimizerJson), ["loss"] = "mse", ["metrics"] = null };
        Assert.False(Graft.Saving.TrainingConfig.TryCompile(model, cc, out var reason));
        Assert.False(model.IsCompiled);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void AKerasFileWithAnUnknownOptimizerLoadsUncompiled()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "adam");
        string path = Temp(".keras"), edited = Temp(".keras");
        try
        {
            model.Save(path);
            KerasArchive.EditConfig(path, edited, config => config["compile_config"]!["optimizer"]!["class_name"] = "Muon");
            var loaded = Model.Load(edited);
            Assert.False(loaded.IsCompiled);
            Assert.Null(loaded.Optimizer);
        }
        finally { File.Delete(path); File.Delete(edited); }
    }
}
