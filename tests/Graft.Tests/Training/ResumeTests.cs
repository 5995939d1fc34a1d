using System.IO.Compression;
using PureHDF;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Tests.Training;

/// <summary>
/// A run saved, loaded and continued is the run that never stopped: the optimizer's state travels
/// with the model (Keras's layout), and BackupAndRestore resumes an interrupted Fit.
/// </summary>
public class ResumeTests
{
    /// <summary>Resumed and unbroken weights agree to this (float32 steps in the same order).</summary>
    private const float Tolerance = 1e-5f;

    private const int Epochs = 6, Split = 3, Batch = 16;

    private static (Tensor X, Tensor Y) Data()
    {
        var g = new Generator(21);
        var x = Tensor.RandomNormal([96, 4], generator: g);
        var d = x.ToArray();
        var y = Enumerable.Range(0, 96).Select(i => d[4 * i] - 0.5f * d[4 * i + 1] + d[4 * i + 2] * d[4 * i + 3] > 0 ? 1f : 0f).ToArray();
        return (x, Tensor.FromArray(y, 96, 1));
    }

    /// <summary>Dense layers around a BatchNormalization, whose moving statistics are not trained: the
    /// optimizer's slots must follow the trainable weights only, in Keras's order.</summary>
    private static Sequential Net() => new([
        new Dense(8, activation: "relu", inputShape: [4], kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }),
        new BatchNormalization(),
        new Dense(4, activation: "tanh", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 }),
        new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 3 })]);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var opt in new[] { "adam", "sgd_momentum", "sgd_nesterov", "rmsprop_centered_momentum", "adagrad", "nadam", "adamw", "adam_amsgrad", "adamax", "adadelta", "lion", "lamb", "ftrl", "adafactor", "adafactor_accumulate" })
            foreach (var ext in new[] { ".keras", ".h5" })
                data.Add(opt, ext);
        return data;
    }

    private static Optimizer Make(string kind) => kind switch
    {
        "adam" => new Adam(0.02),
        "sgd_momentum" => new SGD(0.05, momentum: 0.9),
        "sgd_nesterov" => new SGD(0.05, momentum: 0.8, nesterov: true),
        "rmsprop_centered_momentum" => new RMSprop(0.005, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad(0.1),
        "nadam" => new Nadam(0.02),
        "adamw" => new AdamW(0.02, weightDecay: 0.01),
        "adam_amsgrad" => new Adam(0.02, amsgrad: true),
        "adamax" => new Adamax(0.02),
        "adadelta" => new Adadelta(1.0),
        "lion" => new Lion(0.002),
        "lamb" => new Lamb(0.01),
        "ftrl" => new Ftrl(0.1, l1RegularizationStrength: 0.001, l2RegularizationStrength: 0.01),
        "adafactor" => new Adafactor(0.05),
        // 6 batches an epoch, updates every 4: the checkpoint falls with gradients accumulated.
        "adafactor_accumulate" => new Adafactor(0.05) { GradientAccumulationSteps = 4 },
        _ => throw new ArgumentException(kind),
    };

    private static float[][] Unbroken(string optimizer)
    {
        var (x, y) = Data();
        var model = Net();
        model.Compile("binary_crossentropy", Make(optimizer));
        model.Fit(x, y, batchSize: Batch, epochs: Epochs, shuffle: false, verbose: 0);
        return model.GetWeights().Select(w => w.ToArray()).ToArray();
    }

    private static void AssertClose(float[][] expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            var a = actual[i].ToArray();
            for (int j = 0; j < a.Length; j++) worst = Math.Max(worst, Math.Abs(a[j] - expected[i][j]));
        }
        Assert.True(worst <= Tolerance, $"resumed weights differ from the unbroken run by up to {worst}");
    }

    private static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"graft-resume-{Guid.NewGuid():N}{extension}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void CheckpointLoadAndInitialEpochContinueTheRun(string optimizer, string extension)
    {
        var expected = Unbroken(optimizer);
        var (x, y) = Data();
        string path = TempPath(extension);
        try
        {
            var first = Net();
            first.Compile("binary_crossentropy", Make(optimizer));
            first.Fit(x, y, batchSize: Batch, epochs: Split, shuffle: false, verbose: 0, callbacks: [new ModelCheckpoint(path)]);

            var resumed = Model.Load(path);
            int steps = (96 + Batch - 1) / Batch;
            Assert.Equal(Split * steps, resumed.Optimizer!.AppliedSteps);
            Assert.Equal(first.Optimizer!.GetType(), resumed.Optimizer.GetType());
            resumed.Fit(x, y, batchSize: Batch, epochs: Epochs, initialEpoch: Split, shuffle: false, verbose: 0);
            AssertClose(expected, resumed.GetWeights());
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string> Optimizers() => new("adam", "sgd_momentum", "rmsprop_centered_momentum", "adagrad", "nadam", "adamw", "adam_amsgrad", "adamax", "adadelta", "lion", "lamb", "ftrl", "adafactor", "adafactor_accumulate");

    /// <summary>
    /// Keras 3's weights file carries the optimizer's variables; load_weights restores them into an
    /// optimizer with as many variables, so a fresh model compiled the same way and built resumes the run.
    /// </summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void WeightsOnlyCheckpointResumesTheRunIntoABuiltOptimizer(string optimizer)
    {
        var expected = Unbroken(optimizer);
        var (x, y) = Data();
        string path = TempPath(".weights.h5");
        try
        {
            var first = Net();
            first.Compile("binary_crossentropy", Make(optimizer));
            first.Fit(x, y, batchSize: Batch, epochs: Split, shuffle: false, verbose: 0, callbacks: [new ModelCheckpoint(path, saveWeightsOnly: true)]);

            var resumed = Net();
            resumed.Compile("binary_crossentropy", Make(optimizer));
            resumed.Optimizer!.Build(resumed.TrainableWeights);
            using (var log = new Graft.Tests.Testing.LogCapture())
            {
                resumed.LoadWeights(path);
                Assert.Empty(log.Entries);
            }
            Assert.Equal(Split * ((96 + Batch - 1) / Batch), resumed.Optimizer.AppliedSteps);
            resumed.Fit(x, y, batchSize: Batch, epochs: Epochs, initialEpoch: Split, shuffle: false, verbose: 0);
            AssertClose(expected, resumed.GetWeights());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WeightsOnlyFileHoldsOptimizerVariablesAndKeras2LayoutHoldsNone()
    {
        var (x, y) = Data();
        string keras3 = TempPath(".weights.h5"), keras2 = TempPath(".h5");
        try
        {
            var model = Net();
            model.Compile("binary_crossentropy", new Adam(0.02));
            model.Fit(x, y, batchSize: Batch, epochs: 1, shuffle: false, verbose: 0);
            model.SaveWeights(keras3);
            model.SaveWeights(keras2);
            using (var file = PureHDF.H5File.OpenRead(keras3))
            {
                var vars = file.Group("optimizer/vars");
                Assert.Equal("adam", vars.Attribute("name").Read<string>());
                Assert.Equal(2 + 2 * model.TrainableWeights.Count, vars.Children().Count());
                Assert.Equal(model.Optimizer!.AppliedSteps, vars.Dataset("0").Read<long[]>()[0]);
                Assert.Equal(model.Optimizer.SlotsFor(model.TrainableWeights[^1])[1].ToArray(), vars.Dataset((1 + 2 * model.TrainableWeights.Count).ToString()).Read<float[]>());
            }
            using (var file = PureHDF.H5File.OpenRead(keras2))
            {
                Assert.False(file.LinkExists("optimizer"));
                Assert.False(file.LinkExists("optimizer_weights"));
            }
            // An uncompiled model has no optimizer to save.
            var bare = Net();
            bare.SetWeights(model.GetWeights());
            bare.SaveWeights(keras3);
            using (var file = PureHDF.H5File.OpenRead(keras3)) Assert.False(file.LinkExists("optimizer"));
        }
        finally { File.Delete(keras3); File.Delete(keras2); }
    }

    /// <summary>
    /// Keras's load_weights does not build the optimizer: an unbuilt one has two variables, so the state
    /// saved after training is skipped with a warning that says how to restore it; the weights still load.
    /// </summary>
    [Fact]
    public void WeightsOnlyStateIntoAnUnbuiltOptimizerIsSkippedWithAWarning()
    {
        var (x, y) = Data();
        string path = TempPath(".weights.h5");
        try
        {
            var first = Net();
            first.Compile("binary_crossentropy", new Adam(0.02));
            first.Fit(x, y, batchSize: Batch, epochs: 1, shuffle: false, verbose: 0);
            first.SaveWeights(path);

            var fresh = Net();
            fresh.Compile("binary_crossentropy", new Adam(0.02));
            using var log = new Graft.Tests.Testing.LogCapture();
            fresh.LoadWeights(path);
            var entry = Assert.Single(log.Entries);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
            Assert.Equal("Graft.Saving", entry.Category);
            Assert.Equal(2, entry.Values["Expected"]);
            Assert.Equal(2 + 2 * first.TrainableWeights.Count, entry.Values["Stored"]);
            Assert.Contains(path, entry.Message);
            Assert.Contains("Adam", entry.Message);
            Assert.Contains("Optimizer.Build(model.TrainableWeights)", entry.Message);
            Assert.Contains("starts the optimizer fresh", entry.Message);
            Assert.Equal(0, fresh.Optimizer!.Iterations);
            Assert.False(fresh.Optimizer.Built);
            for (int i = 0; i < first.Weights.Count; i++) Assert.Equal(first.Weights[i].Value.ToArray(), fresh.Weights[i].Value.ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadedOptimizerCarriesItsLearningRateAndSlots()
    {
        var (x, y) = Data();
        string path = TempPath(".keras");
        try
        {
            var model = Net();
            model.Compile("binary_crossentropy", new Adam(0.02));
            model.Fit(x, y, batchSize: Batch, epochs: 2, shuffle: false, verbose: 0);
            // A callback such as ReduceLROnPlateau changes the rate: the file keeps the current one.
            model.Optimizer!.LearningRate = 0.004;
            model.Save(path);
            var loaded = Model.Load(path);
            var opt = loaded.Optimizer!;
            Assert.True(opt.Built);
            Assert.Equal(0.004f, (float)opt.LearningRate);
            Assert.Equal(model.TrainableWeights.Count, opt.TrainableVariables.Count);
            for (int i = 0; i < opt.TrainableVariables.Count; i++)
                for (int s = 0; s < 2; s++)
                    Assert.Equal(model.Optimizer.SlotsFor(model.TrainableWeights[i])[s].ToArray(), opt.SlotsFor(loaded.TrainableWeights[i])[s].ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void KerasFileHoldsOptimizerVariablesAtKerasPaths()
    {
        var (x, y) = Data();
        string path = TempPath(".keras");
        try
        {
            var model = Net();
            model.Compile("binary_crossentropy", new Adam(0.02));
            model.Fit(x, y, batchSize: Batch, epochs: 1, shuffle: false, verbose: 0);
            model.Save(path);
            using var zip = ZipFile.OpenRead(path);
            using var ms = new MemoryStream();
            using (var s = zip.GetEntry("model.weights.h5")!.Open()) s.CopyTo(ms);
            ms.Position = 0;
            using var file = PureHDF.H5File.Open(ms, leaveOpen: true);
            var vars = file.Group("optimizer/vars");
            var trainable = model.TrainableWeights;
            // iteration, learning_rate, then momentum and velocity of each trainable weight in turn.
            Assert.Equal(2 + 2 * trainable.Count, vars.Children().Count());
            var iteration = vars.Dataset("0");
            Assert.Equal((PureHDF.H5DataTypeClass.FixedPoint, 8), (iteration.Type.Class, iteration.Type.Size));
            Assert.Empty(iteration.Space.Dimensions);
            Assert.Equal(model.Optimizer!.AppliedSteps, iteration.Read<long[]>()[0]);
            Assert.Equal(0.02f, vars.Dataset("1").Read<float[]>()[0]);
            var opt = model.Optimizer;
            for (int i = 0; i < trainable.Count; i++)
            {
                var m = vars.Dataset((2 + 2 * i).ToString());
                var v = vars.Dataset((3 + 2 * i).ToString());
                Assert.Equal(trainable[i].Shape.Dims.Select(d => (ulong)d), m.Space.Dimensions);
                Assert.Equal(opt.SlotsFor(trainable[i])[0].ToArray(), m.Read<float[]>());
                Assert.Equal(opt.SlotsFor(trainable[i])[1].ToArray(), v.Read<float[]>());
            }
            // BatchNormalization's moving statistics are not trainable: they have no slots.
            Assert.DoesNotContain(trainable, w => w.Name.StartsWith("moving_"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void H5FileHoldsOptimizerWeightsWithKerasNames()
    {
        var (x, y) = Data();
        string path = TempPath(".h5");
        try
        {
            var model = Net();
            model.Compile("binary_crossentropy", new SGD(0.05, momentum: 0.9));
            model.Fit(x, y, batchSize: Batch, epochs: 1, shuffle: false, verbose: 0);
            model.Save(path);
            using var file = PureHDF.H5File.OpenRead(path);
            var group = file.Group("optimizer_weights");
            var names = group.Attribute("weight_names").Read<string[]>();
            var first = model.TrainableWeights[0];
            Assert.Equal(["SGD/iteration", "SGD/learning_rate", $"SGD/{model.Name}_{first.Owner.Name}_kernel_momentum", $"SGD/{model.Name}_{first.Owner.Name}_bias_momentum"], names[..4]);
            Assert.Equal(2 + model.TrainableWeights.Count, names.Length);
            Assert.Equal(model.Optimizer!.AppliedSteps, group.Dataset(names[0]).Read<long[]>()[0]);
            Assert.Equal(model.Optimizer.SlotsFor(first)[0].ToArray(), group.Dataset(names[2]).Read<float[]>());
        }
        finally { File.Delete(path); }
    }

    /// <summary>Throws when epoch <paramref name="at"/> begins, as a crash or a killed job would stop it.</summary>
    private sealed class Interrupt(int at) : Callback
    {
        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            if (epoch == at) throw new OperationCanceledException($"interrupted at epoch {epoch}");
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd_momentum")]
    [InlineData("nadam")]
    public void BackupAndRestoreFinishesAnInterruptedFit(string optimizer)
    {
        var expected = Unbroken(optimizer);
        var (x, y) = Data();
        string dir = Path.Combine(Path.GetTempPath(), $"graft-backup-{Guid.NewGuid():N}");
        try
        {
            var first = Net();
            first.Compile("binary_crossentropy", Make(optimizer));
            Assert.Throws<OperationCanceledException>(() =>
                first.Fit(x, y, batchSize: Batch, epochs: Epochs, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(dir), new Interrupt(Split)]));
            Assert.Equal([$"epoch-{Split}.keras"], Directory.GetFiles(dir).Select(Path.GetFileName));

            // A new process: a fresh model and optimizer, the same Fit call.
            var second = Net();
            second.Compile("binary_crossentropy", Make(optimizer));
            var history = second.Fit(x, y, batchSize: Batch, epochs: Epochs, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(dir)]);
            Assert.Equal(Epochs - Split, history["loss"].Count);
            AssertClose(expected, second.GetWeights());
            Assert.False(Directory.Exists(dir), "the backup is deleted when Fit ends normally");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BackupAndRestoreKeepsTheBackupWhenAskedAndLeavesOtherFilesAlone()
    {
        var (x, y) = Data();
        string dir = Directory.CreateTempSubdirectory("graft-backup").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
            var model = Net();
            model.Compile("binary_crossentropy", new Adam(0.02));
            model.Fit(x, y, batchSize: Batch, epochs: 2, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false)]);
            Assert.Equal(["epoch-2.keras", "notes.txt"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
            model.Fit(x, y, batchSize: Batch, epochs: 2, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(dir)]);
            Assert.Equal(["notes.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BackupOfAnotherModelIsAnErrorNotASilentRestart()
    {
        var (x, y) = Data();
        string dir = Path.Combine(Path.GetTempPath(), $"graft-backup-{Guid.NewGuid():N}");
        try
        {
            var other = new Sequential([new Dense(3, inputShape: [4]), new Dense(1, activation: "sigmoid")]);
            other.Compile("binary_crossentropy", new Adam());
            other.Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false)]);
            var model = Net();
            model.Compile("binary_crossentropy", new Adam());
            var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(dir)]));
            Assert.Contains("BackupAndRestore", e.Message);
            Assert.Contains("epoch-1.keras", e.Message);
            Assert.Contains("Delete the backup", e.Message);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    /// <summary>A user's own optimizer: plain gradient descent, with no state Graft could save.</summary>
    private sealed class Descent() : Optimizer(0.01, null, null, null, null)
    {
        protected override Tensor[] CreateSlots(Graft.Layers.Variable v) => [];
        protected override void UpdateStep(Tensor w, Tensor g, Tensor[] slots, float lr) => w.Backend.Axpy(-lr, g, w);
    }

    [Fact]
    public void BackupWithAnOptimizerWhoseStateCannotBeSavedIsRefused()
    {
        var (x, y) = Data();
        var model = Net();
        model.Compile("binary_crossentropy", new Descent());
        string dir = Path.Combine(Path.GetTempPath(), $"graft-backup-{Guid.NewGuid():N}");
        var e = Assert.Throws<NotSupportedException>(() => model.Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir)]));
        Assert.Contains("Descent", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void BackupEveryNBatchesIsNotSupported()
    {
        var e = Assert.Throws<NotSupportedException>(() => new BackupAndRestore("backup", saveFreq: "100"));
        Assert.Contains("save_freq", e.Message);
    }
}
