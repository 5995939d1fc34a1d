using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Saving;
using Graft.Tests.Testing;

namespace Graft.Tests.Saving;

/// <summary>Optimizer state read from files that Keras itself wrote, and the rule for state that does not fit.</summary>
public class OptimizerStateTests
{
    private static string[] WeightNames(string file)
    {
        using var f = H5File.OpenRead(Fixtures.Keras(file));
        return f.Group("optimizer_weights").Attribute("weight_names").Read<string[]>();
    }

    private static float[] Dataset(string file, string name)
    {
        using var f = H5File.OpenRead(Fixtures.Keras(file));
        return f.Group("optimizer_weights").Dataset(name).Read<float[]>();
    }

    [Theory]
    [InlineData("k3.1.1_Moonflower_mnist_cnn.h5", 6330, 0.001f)]
    [InlineData("k3.2.1_Nonbangkok_ecg_conv1d_bn_lstm.h5", 60000, 0.0005f)]
    public void Keras3LegacyH5StateIsRestoredInKerasOrder(string file, long iterations, float learningRate)
    {
        var model = Model.Load(Fixtures.Keras(file));
        var opt = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal(iterations, opt.Iterations);
        Assert.Equal(learningRate, (float)opt.LearningRate);
        var names = WeightNames(file);
        var trainable = model.TrainableWeights;
        Assert.Equal(2 + 2 * trainable.Count, names.Length);
        for (int i = 0; i < trainable.Count; i++)
        {
            // Keras names each slot after its weight: the order Graft assumed is the file's.
            Assert.EndsWith($"_{trainable[i].Name}_momentum", names[2 + 2 * i]);
            Assert.EndsWith($"_{trainable[i].Name}_velocity", names[3 + 2 * i]);
            Assert.Equal(Dataset(file, names[2 + 2 * i]), opt.SlotsFor(trainable[i])[0].ToArray());
            Assert.Equal(Dataset(file, names[3 + 2 * i]), opt.SlotsFor(trainable[i])[1].ToArray());
        }
    }

    [Fact]
    public void TfKeras2H5StateIsRestoredSlotKindByKind()
    {
        const string file = "tfk2.4.0_dl4j_embedding_conv1d_functional.hdf5";
        var model = Model.Load(Fixtures.Keras(file));
        var opt = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal(12, opt.Iterations);
        var names = WeightNames(file);
        var trainable = model.TrainableWeights;
        Assert.Equal(1 + 2 * trainable.Count, names.Length);
        for (int i = 0; i < trainable.Count; i++)
        {
            var v = trainable[i];
            Assert.Equal($"Adam/{v.Owner.Name}/{v.Name}/m:0", names[1 + i]);
            Assert.Equal($"Adam/{v.Owner.Name}/{v.Name}/v:0", names[1 + trainable.Count + i]);
            Assert.Equal(Dataset(file, names[1 + i]), opt.SlotsFor(v)[0].ToArray());
            Assert.Equal(Dataset(file, names[1 + trainable.Count + i]), opt.SlotsFor(v)[1].ToArray());
        }
    }

    private static (byte[] Weights, JsonObject Config, string? Version) Archive(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var ms = new MemoryStream();
        using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
        using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
        var config = JsonNode.Parse(r.ReadToEnd())!.AsObject();
        using var mr = new StreamReader(zip.GetEntry("metadata.json")!.Open());
        var version = JsonNode.Parse(mr.ReadToEnd())!["keras_version"]?.GetValue<string>();
        return (ms.ToArray(), (JsonObject)config["compile_config"]!, version);
    }

    [Theory]
    [InlineData("k3.9.2_sudo-sidd_cifar10_cnn.keras", 15640, 2)]
    [InlineData("k3.8.0_CodingRayyan_gru.keras", 1584, 2)]
    [InlineData("tfk2.15.0_Abhaypandy_churn_mlp.keras", 8250, 1)]
    public void KerasArchiveStateIsRestoredInKerasOrder(string file, long iterations, int firstSlot)
    {
        // Compiled here with the file's optimizer class, so the test depends only on the state's layout.
        var model = Model.Load(Fixtures.Keras(file), compile: false);
        model.Compile("mse", new Adam());
        var (weights, config, version) = Archive(Fixtures.Keras(file));
        Assert.True(OptimizerState.LoadKeras(model, file, weights, config, version));
        var opt = model.Optimizer!;
        Assert.Equal(iterations, opt.Iterations);
        using var h5 = H5File.Open(new MemoryStream(weights), leaveOpen: false);
        var vars = h5.Group("optimizer/vars");
        var trainable = model.TrainableWeights;
        Assert.Equal(firstSlot + 2 * trainable.Count, vars.Children().Count());
        for (int i = 0; i < trainable.Count; i++)
        {
            Assert.Equal(vars.Dataset((firstSlot + 2 * i).ToString()).Read<float[]>(), opt.SlotsFor(trainable[i])[0].ToArray());
            Assert.Equal(vars.Dataset((firstSlot + 2 * i + 1).ToString()).Read<float[]>(), opt.SlotsFor(trainable[i])[1].ToArray());
        }
    }

    private static Sequential Small()
    {
        var m = new Sequential([new Dense(3, inputShape: [2]), new Dense(1)]);
        m.Compile("mse", new Adam());
        return m;
    }

    /// <summary>A model.weights.h5 whose optimizer group holds <paramref name="shapes"/> (null: the int64 iteration).</summary>
    private static byte[] WeightsWithOptimizer(params int[]?[] shapes)
    {
        var vars = new H5Group();
        for (int i = 0; i < shapes.Length; i++)
            vars[i.ToString()] = shapes[i] is { } s
                ? new H5Dataset(new float[s.Aggregate(1, (a, b) => a * b)], fileDims: s.Select(d => (ulong)d).ToArray())
                : new H5Dataset(new[] { 7L }, fileDims: []);
        var file = new H5File { ["optimizer"] = new H5Group { ["vars"] = vars } };
        using var ms = new MemoryStream();
        file.Write(ms);
        return ms.ToArray();
    }

    private static JsonObject AdamConfig(string cls = "Adam") => new() { ["optimizer"] = new JsonObject { ["class_name"] = cls, ["config"] = new JsonObject() } };

    [Fact]
    public void StateWithTheRightCountButWrongShapesIsAFormatError()
    {
        var model = Small();
        // iteration, learning_rate, then m/v for kernel (2, 3), bias (3), kernel (3, 1), bias (1); the bias velocity is wrong.
        var bytes = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [4], [3, 1], [3, 1], [1], [1]);
        var e = Assert.Throws<ModelFormatException>(() => OptimizerState.LoadKeras(model, "x.keras", bytes, AdamConfig(), "3.4.1"));
        Assert.Contains("x.keras [model.weights.h5] [/optimizer/vars/5]", e.Message);
        Assert.Contains("expected optimizer slot", e.Message);
        Assert.Contains("of shape (3,)", e.Message);
        Assert.Contains("got (4,)", e.Message);
        // Nothing was assigned before the whole state was checked.
        Assert.Equal(0, model.Optimizer!.Iterations);
    }

    [Fact]
    public void StateOfAnotherLayoutOrOptimizerLeavesTheOptimizerFresh()
    {
        var model = Small();
        var good = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [3], [3, 1], [3, 1], [1], [1]);
        Assert.False(OptimizerState.LoadKeras(model, "x.keras", good, AdamConfig("RMSprop"), "3.4.1"));
        Assert.Equal(0, model.Optimizer!.Iterations);
        var fewer = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [3]);
        Assert.False(OptimizerState.LoadKeras(model, "x.keras", fewer, AdamConfig(), "3.4.1"));
        Assert.Equal(0, model.Optimizer.Iterations);
        Assert.False(model.Optimizer.Built, "a skipped state leaves the optimizer as compiled");
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", good, AdamConfig(), "3.4.1"));
        Assert.Equal(7, model.Optimizer.Iterations);
    }

    [Fact]
    public void StateThatDoesNotFitIsSkippedWithAWarningNamingFileOptimizerAndCounts()
    {
        var model = Small();
        var good = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [3], [3, 1], [3, 1], [1], [1]);
        using var log = new LogCapture();
        Assert.False(OptimizerState.LoadKeras(model, "x.keras", good, AdamConfig("RMSprop"), "3.4.1"));
        var other = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, other.Level);
        Assert.Equal("Graft.Saving", other.Category);
        Assert.Contains("x.keras [model.weights.h5]", other.Message);
        Assert.Contains("Adam", other.Message);
        Assert.Contains("saved by RMSprop", other.Message);
        Assert.Contains("starts the optimizer fresh", other.Message);
        log.Entries.Clear();
        var fewer = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [3]);
        Assert.False(OptimizerState.LoadKeras(model, "x.keras", fewer, AdamConfig(), "3.4.1"));
        var count = Assert.Single(log.Entries);
        Assert.Equal((10, 6), ((int)count.Values["Expected"]!, (int)count.Values["Stored"]!));
        Assert.Contains("expected 10 variables, got 6", count.Message);
        log.Entries.Clear();
        // No state at all is no reason to warn.
        Assert.False(OptimizerState.LoadKeras(model, "x.keras", WeightsWithOptimizer(), AdamConfig(), "3.4.1"));
        using (var ms = new MemoryStream())
        {
            new H5File { ["vars"] = new H5Group() }.Write(ms);
            Assert.False(OptimizerState.LoadKeras(model, "x.keras", ms.ToArray(), AdamConfig(), "3.4.1"));
        }
        Assert.Empty(log.Entries);
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", good, AdamConfig(), "3.4.1"));
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void WeightsFileOfAnotherOptimizerWarnsAndOneWithoutStateIsQuiet()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var y = Tensor.FromArray([1f, 0f], 2, 1);
        string sgdFile = Path.Combine(Path.GetTempPath(), $"graft-optstate-{Guid.NewGuid():N}.weights.h5");
        string bareFile = Path.Combine(Path.GetTempPath(), $"graft-optstate-{Guid.NewGuid():N}.weights.h5");
        try
        {
            var sgd = new Sequential([new Dense(3, inputShape: [2]), new Dense(1)]);
            sgd.Compile("mse", new SGD(0.01, momentum: 0.9));
            sgd.Fit(x, y, epochs: 1, verbose: 0);
            sgd.SaveWeights(sgdFile);
            var bare = new Sequential([new Dense(3, inputShape: [2]), new Dense(1)]);
            bare.SaveWeights(bareFile);

            var model = Small();
            model.Optimizer!.Build(model.TrainableWeights);
            using var log = new LogCapture();
            model.LoadWeights(sgdFile);
            var entry = Assert.Single(log.Entries);
            Assert.Contains(sgdFile, entry.Message);
            Assert.Contains("Adam", entry.Message);
            Assert.Contains("expected 10 variables, got 6", entry.Message);
            Assert.DoesNotContain("not built", entry.Message);
            Assert.Equal(0, model.Optimizer.Iterations);
            Assert.Equal(sgd.Weights[0].Value.ToArray(), model.Weights[0].Value.ToArray());
            log.Entries.Clear();
            model.LoadWeights(bareFile);
            var h5 = new H5("empty.weights.h5");
            var empty = WeightsWithOptimizer();
            using (var file = h5.Open(new MemoryStream(empty))) OptimizerState.LoadWeightsOnly(model, h5, file, skipMismatch: false);
            Assert.Empty(log.Entries);
        }
        finally { File.Delete(sgdFile); File.Delete(bareFile); }
    }

    [Fact]
    public void WeightsFileStateOfTheRightCountButWrongShapesFailsUnlessSkippingMismatches()
    {
        var model = Small();
        model.Optimizer!.Build(model.TrainableWeights);
        var bytes = WeightsWithOptimizer(null, [], [2, 3], [2, 3], [3], [4], [3, 1], [3, 1], [1], [1]);
        var h5 = new H5("x.weights.h5", bytes.Length);
        using (var file = h5.Open(new MemoryStream(bytes)))
        {
            var e = Assert.Throws<ModelFormatException>(() => OptimizerState.LoadWeightsOnly(model, h5, file, skipMismatch: false));
            Assert.Contains("x.weights.h5 [/optimizer/vars/5]", e.Message);
        }
        using var log = new LogCapture();
        using (var file = h5.Open(new MemoryStream(bytes))) OptimizerState.LoadWeightsOnly(model, h5, file, skipMismatch: true);
        var entry = Assert.Single(log.Entries);
        Assert.Contains("got (4,)", entry.Message);
        Assert.Contains("starts the optimizer fresh", entry.Message);
        Assert.Equal(0, model.Optimizer.Iterations);
    }

    /// <summary>A legacy .h5 model file's optimizer_weights named <paramref name="names"/> (each a float scalar) under a training_config naming <paramref name="cls"/>.</summary>
    private static byte[] H5WithOptimizerWeights(string cls, params string[] names)
    {
        var group = new H5Group();
        foreach (var n in names) group[n] = new H5Dataset(new[] { 0f }, fileDims: []);
        group.Attributes["weight_names"] = names;
        var file = new H5File { ["optimizer_weights"] = group };
        file.Attributes["training_config"] = $"{{\"optimizer_config\": {{\"class_name\": \"{cls}\", \"config\": {{}}}}}}";
        using var ms = new MemoryStream();
        file.Write(ms);
        return ms.ToArray();
    }

    [Fact]
    public void LegacyH5StateThatDoesNotFitIsSkippedWithAWarning()
    {
        var model = Small();
        using var log = new LogCapture();
        foreach (var (bytes, detail) in new[]
        {
            (H5WithOptimizerWeights("SGD", "sgd/iteration", "sgd/learning_rate"), "saved by SGD"),
            // Keras 1 numbered its optimizer variables: a layout of its own.
            (H5WithOptimizerWeights("Adam", "Variable_1:0", "Variable_2:0"), "first variable 'Variable_1:0'"),
            (H5WithOptimizerWeights("Adam", "adam/iteration", "adam/learning_rate"), "expected 10 variables, got 2"),
        })
        {
            log.Entries.Clear();
            var h5 = new H5("m.h5", bytes.Length);
            using (var file = h5.Open(new MemoryStream(bytes))) OptimizerState.LoadH5(model, h5, file, "3.4.1");
            var entry = Assert.Single(log.Entries);
            Assert.Contains("m.h5", entry.Message);
            Assert.Contains(detail, entry.Message);
            Assert.Contains("starts the optimizer fresh", entry.Message);
            Assert.Equal(0, model.Optimizer!.Iterations);
        }
    }

    [Fact]
    public void NadamProductSitsWhereTheFilesKerasVersionPutsIt()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", new Nadam());
        // Keras up to 3.9 created u_product before the slots, 3.10 on after them.
        var before = WeightsWithOptimizer(null, [], [], [2, 1], [2, 1], [1], [1]);
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", before, AdamConfig("Nadam"), "3.4.1"));
        var after = WeightsWithOptimizer(null, [], [2, 1], [2, 1], [1], [1], []);
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", after, AdamConfig("Nadam"), "3.10.0"));
        Assert.Throws<ModelFormatException>(() => OptimizerState.LoadKeras(model, "x.keras", after, AdamConfig("Nadam"), "3.4.1"));
    }

    [Fact]
    public void AveragesAndAccumulatorsSitWhereTheFilesKerasVersionPutsThem()
    {
        var model = new Sequential([new Dense(3, inputShape: [2]), new Dense(1)]);
        model.Compile("mse", new Adam { UseEma = true, GradientAccumulationSteps = 2 });
        int[][] weights = [[2, 3], [3], [3, 1], [1]];
        var slots = weights.SelectMany(w => new[] { w, w }).ToArray();   // momentum and velocity of each weight
        // Keras up to 3.9 created the average and the accumulator of each weight in turn; 3.10 on every
        // average, then every accumulator.
        var interleaved = WeightsWithOptimizer([null, [], .. weights.SelectMany(w => new[] { w, w }), .. slots]);
        var grouped = WeightsWithOptimizer([null, [], .. weights, .. weights, .. slots]);
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", interleaved, AdamConfig(), "3.4.1"));
        Assert.True(OptimizerState.LoadKeras(model, "x.keras", grouped, AdamConfig(), "3.10.0"));
        Assert.Throws<ModelFormatException>(() => OptimizerState.LoadKeras(model, "x.keras", grouped, AdamConfig(), "3.4.1"));
        Assert.Equal(7, model.Optimizer!.AppliedSteps);
        Assert.Equal(3, model.Optimizer.Iterations);
    }

    public static IEnumerable<object[]> KerasArchives() =>
        Directory.GetFiles(Fixtures.Dir, "*.keras").Select(Path.GetFileName).Order().Select(f => new object[] { f! });

    /// <summary>
    /// Every Keras-written archive compiled with the optimizer its config names: the state either
    /// comes back whole (the iteration count is the file's) or, by the rule, not at all; it never
    /// fails a load of a sound file.
    /// </summary>
    [Theory]
    [MemberData(nameof(KerasArchives))]
    public void EveryKerasArchiveStateRestoresOrIsSkippedByTheRule(string file)
    {
        // Only the QKeras archive needs classes Graft lacks; any other archive must load.
        if (file == "k3.14.1_hls4ml_qkeras_3layer_CUSTOM.keras")
        {
            Assert.Throws<NotSupportedException>(() => Model.Load(Fixtures.Keras(file), compile: false));
            return;
        }
        var model = Model.Load(Fixtures.Keras(file), compile: false);
        var (weights, config, version) = Archive(Fixtures.Keras(file));
        var node = config["optimizer"] ?? config["optimizer_config"];
        var cls = (node is JsonObject o ? o["class_name"] : node)?.GetValue<string>();
        if (cls is null) return;
        model.Compile("mse", Optimizer.Get(cls));
        bool restored = OptimizerState.LoadKeras(model, file, weights, config, version);
        using var h5 = H5File.Open(new MemoryStream(weights), leaveOpen: false);
        var vars = h5.Group("optimizer/vars");
        if (vars.Children().Count() <= 2)
        {
            // Saved before the first step: Keras wrote the unbuilt optimizer (iteration, learning rate).
            Assert.False(restored);
            Assert.Equal(0, model.Optimizer!.Iterations);
            return;
        }
        Assert.True(restored, $"{file}: {cls} state of {vars.Children().Count()} variables was not restored");
        Assert.Equal(vars.Dataset("0").Read<long[]>()[0], model.Optimizer!.Iterations);
    }
}
