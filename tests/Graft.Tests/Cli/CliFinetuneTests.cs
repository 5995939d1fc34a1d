using System.Text.Json.Nodes;
using Graft.Cli;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;
using Graft.Tests.Vision;
using static Graft.Tests.Testing.GraftCommand;

namespace Graft.Tests.Cli;

/// <summary>
/// A folder of photos built from the repository's Fashion-MNIST (sandal and shirt, 50 PNGs each, plus a few
/// held-out ones), and two small pretrained CNN bases: a functional one (.keras) and a Sequential one (.h5),
/// trained briefly on the other eight classes with pixels scaled to [0, 1], as Géron's model A.
/// </summary>
public sealed class FinetuneFolder : IDisposable
{
    public const int PerClass = 50;
    public string Root { get; } = Directory.CreateTempSubdirectory("graft-finetune").FullName;
    public string Data => Path.Combine(Root, "photos");
    public string Holdout => Path.Combine(Root, "holdout");
    public string BaseKeras => Path.Combine(Root, "base.keras");
    public string BaseH5 => Path.Combine(Root, "base.h5");

    public FinetuneFolder()
    {
        var ((x, y), (xt, yt)) = RepositoryData.Fashion;
        var labels = y.ToArray();
        var testLabels = yt.ToArray();
        foreach (var (cls, name) in new[] { (5, "sandal"), (6, "shirt") })
        {
            var train = Enumerable.Range(0, labels.Length).Where(i => labels[i] == cls).Take(PerClass);
            foreach (int i in train) ImageFiles.Write(Path.Combine(Data, name, $"{i}.png"), Gray(x, i), 28, 28);
            var test = Enumerable.Range(0, testLabels.Length).Where(i => testLabels[i] == cls).Take(5);
            foreach (int i in test) ImageFiles.Write(Path.Combine(Holdout, $"{name}_{i}.png"), Gray(xt, i), 28, 28);
        }

        // Model A: eight other classes, 1,500 images, one epoch; the bases below share its recipe.
        var others = Enumerable.Range(0, labels.Length).Where(i => labels[i] is not (5f or 6f)).Take(1500).ToArray();
        var xa = Tensor.FromArray(others.SelectMany(i => x[i].ToArray().Select(v => v / 255f)).ToArray(), others.Length, 28, 28, 1);
        var ya = Tensor.FromArray(others.Select(i => labels[i] < 5 ? labels[i] : labels[i] - 2).ToArray(), others.Length);
        using (new GraftContext(seed: 3).Use())
        {
            var input = Keras.Input([28, 28, 1]);
            var h = new Conv2D(8, [3, 3], activation: "relu", name: "conv1").Call(input);
            h = new BatchNormalization(name: "bn1").Call(h);
            h = new MaxPooling2D([2, 2], name: "pool1").Call(h);
            h = new Conv2D(16, [3, 3], activation: "relu", name: "conv2").Call(h);
            h = new MaxPooling2D([2, 2], name: "pool2").Call(h);
            h = new Flatten(name: "flatten").Call(h);
            h = new Dense(32, activation: "relu", name: "features").Call(h);
            var functional = new Model(input, new Dense(8, activation: "softmax", name: "head").Call(h), "model_a");
            functional.Compile("sparse_categorical_crossentropy", new Adam(), ["accuracy"]);
            functional.Fit(xa, ya, epochs: 1, verbose: 0);
            functional.Save(BaseKeras);

            var sequential = new Sequential([
                new Conv2D(8, [3, 3], activation: "relu", inputShape: [28, 28, 1], name: "conv1"),
                new BatchNormalization(name: "bn1"),
                new MaxPooling2D([2, 2], name: "pool1"),
                new Conv2D(16, [3, 3], activation: "relu", name: "conv2"),
                new Flatten(name: "flatten"),
                new Dense(8, activation: "softmax", name: "head"),
            ], "model_a_seq");
            sequential.Compile("sparse_categorical_crossentropy", new Adam(), ["accuracy"]);
            sequential.Fit(xa, ya, epochs: 1, verbose: 0);
            sequential.Save(BaseH5);
        }
    }

    private static byte[] Gray(Tensor images, int i) => images[i].ToArray().Select(v => (byte)v).ToArray();

    public void Dispose() => Directory.Delete(Root, true);
}

/// <summary><c>graft finetune</c> end to end on a small photo folder, and <c>graft predict --images</c> on its model.</summary>
[Collection(ConsoleCollection.Name)]
public class CliFinetuneTests(FinetuneFolder folder) : IClassFixture<FinetuneFolder>
{
    [Fact]
    public void FinetuneWritesTheModelAndReportAndPrintsTheJsonObject()
    {
        string outDir = Path.Combine(folder.Root, "out-json");
        var (code, stdout, stderr) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--rescale", "1/255", "--epochs-frozen", "4",
            "--epochs", "4", "--learning-rate", "1e-3", "--batch-size", "16", "--seed", "7", "--out", outDir, "--json");
        Assert.True(code == 0, stderr);

        // Exactly the issue's object, and nothing else on standard output.
        var json = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(["classes", "train_samples", "validation_samples", "frozen", "fine_tuned", "model"], json.Select(p => p.Key));
        Assert.Equal(["sandal", "shirt"], json["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        // Keras's split: int(0.2 * 100) files for validation.
        Assert.Equal(80, json["train_samples"]!.GetValue<int>());
        Assert.Equal(20, json["validation_samples"]!.GetValue<int>());
        foreach (var phase in new[] { "frozen", "fine_tuned" })
        {
            var p = json[phase]!.AsObject();
            Assert.Equal(["val_accuracy", "val_loss"], p.Select(k => k.Key));
            Assert.InRange(p["val_loss"]!.GetValue<double>(), 0, 10);
        }
        // Sandal or shirt: 20 validation images, chance is 0.5.
        double accuracy = json["fine_tuned"]!["val_accuracy"]!.GetValue<double>();
        Assert.True(accuracy >= 0.8, $"fine-tuned val_accuracy {accuracy}");
        string modelPath = json["model"]!.GetValue<string>();
        Assert.Equal(Path.Combine(outDir, "model.keras"), modelPath);

        foreach (var file in new[] { "model.keras", "history.csv", "accuracy.png", "loss.png", "report.md" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        var csv = File.ReadAllLines(Path.Combine(outDir, "history.csv"));
        Assert.Equal("phase,epoch,loss,accuracy,val_loss,val_accuracy", csv[0]);
        Assert.Equal(9, csv.Length);
        Assert.StartsWith("frozen,4,", csv[4]);
        Assert.StartsWith("fine_tune,5,", csv[5]);
        // The last epoch's validation accuracy is the JSON's.
        Assert.Equal(accuracy, double.Parse(csv[8].Split(',')[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(outDir, "accuracy.png"))[..4]);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("![Accuracy](accuracy.png)", report);
        Assert.Contains("Rescaling(0.00392157, offset 0)", report);

        // The model keeps its class names and the whole recipe: rescaling, the base called in inference mode, a sigmoid unit.
        Assert.Equal(["sandal", "shirt"], KerasMetadata.ReadClassNames(modelPath));
        var model = Model.Load(modelPath);
        Assert.Contains(model.Layers, l => l is Graft.Layers.Preprocessing.Rescaling);
        var head = Assert.IsType<Dense>(model.Layers[^1]);
        Assert.Equal(1, head.Units);
        Assert.Equal("sigmoid", head.Activation.Name);
        var inner = model.Layers.OfType<Model>().Single();
        var baseModel = Model.Load(folder.BaseKeras);
        // Fine-tuning moved the unfrozen convolutions, but not BatchNormalization's statistics (training=False).
        Assert.NotEqual(baseModel.GetLayer("conv1").GetWeights()[0].ToArray(), inner.GetLayer("conv1").GetWeights()[0].ToArray());
        var bn = (BatchNormalization)inner.GetLayer("bn1");
        Assert.Equal(((BatchNormalization)baseModel.GetLayer("bn1")).MovingMean!.Value.ToArray(), bn.MovingMean!.Value.ToArray());
        Assert.DoesNotContain(inner.Layers, l => l.Name == "head");

        // graft predict --images: each held-out photo's classes by name, both for one sigmoid unit, best first.
        (code, stdout, stderr) = Run("predict", modelPath, "--images", folder.Holdout);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        int right = 0;
        foreach (var line in lines)
        {
            Assert.Matches(@"\.png: (sandal|shirt) [01]\.\d{4}, (sandal|shirt) [01]\.\d{4}$", line);
            string truth = Path.GetFileName(line[..line.IndexOf(": ", StringComparison.Ordinal)]).Split('_')[0];
            if (line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..].StartsWith(truth)) right++;
        }
        Assert.True(right >= 8, $"{right} of 10 held-out photos right:\n{stdout}");

        // Several paths, and JSON.
        var files = Directory.GetFiles(folder.Holdout).Order().Take(2).ToArray();
        (code, stdout, stderr) = Run("predict", modelPath, "--images", files[0], files[1], "--json");
        Assert.True(code == 0, stderr);
        var rows = JsonNode.Parse(stdout)!.AsArray();
        Assert.Equal(2, rows.Count);
        var top = rows[0]!["top"]!.AsArray();
        Assert.Equal(2, top.Count);
        Assert.Equal(1.0, top.Sum(t => t!["probability"]!.GetValue<double>()), 5);
    }

    [Fact]
    public void FrozenPhaseLeavesTheBaseUntouchedAndCutsAtANamedLayer()
    {
        // A Sequential .h5 base cut at a convolution (4-D output: global average pooling), frozen phase only.
        string outDir = Path.Combine(folder.Root, "out-frozen");
        var (code, stdout, stderr) = Run("finetune", folder.BaseH5, "--data", folder.Data, "--cut", "conv2", "--rescale", "0.00392156862745098,0",
            "--epochs-frozen", "3", "--epochs", "0", "--batch-size", "16", "--out", outDir, "--verbose", "0");
        Assert.True(code == 0, stderr);
        Assert.Contains("80 for training, 20 for validation", stdout);
        Assert.Contains("Model: " + Path.Combine(outDir, "model.keras"), stdout);

        var model = Model.Load(Path.Combine(outDir, "model.keras"));
        var names = model.Layers.Select(l => l.ClassName).ToList();
        Assert.Equal(["InputLayer", "Rescaling", "Sequential", "GlobalAveragePooling2D", "Dense"], names);
        var inner = model.Layers.OfType<Sequential>().Single();
        Assert.Equal(["conv1", "bn1", "pool1", "conv2"], inner.Layers.Select(l => l.Name));
        var baseModel = Model.Load(folder.BaseH5);
        foreach (var layer in inner.Layers)
        {
            var before = baseModel.GetLayer(layer.Name).GetWeights();
            var after = layer.GetWeights();
            Assert.Equal(before.Count, after.Count);
            for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].ToArray(), after[i].ToArray());
        }
        var csv = File.ReadAllLines(Path.Combine(outDir, "history.csv"));
        Assert.Equal(4, csv.Length);
        Assert.All(csv.Skip(1), l => Assert.StartsWith("frozen,", l));

        // No epoch at all: the results are an evaluation, and --json still prints the object alone.
        (code, stdout, stderr) = Run("finetune", folder.BaseH5, "--data", folder.Data, "--epochs-frozen", "0", "--epochs", "0",
            "--out", Path.Combine(folder.Root, "out-none"), "--json");
        Assert.True(code == 0, stderr);
        var json = System.Text.Json.Nodes.JsonNode.Parse(stdout)!;
        Assert.Equal(json["frozen"]!.ToJsonString(), json["fine_tuned"]!.ToJsonString());
    }

    [Fact]
    public void BadInputGivesClearErrors()
    {
        string outDir = Path.Combine(folder.Root, "out-bad");
        var (code, _, err) = Run("finetune", folder.BaseKeras, "--data", Path.Combine(folder.Root, "nowhere"), "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("--data: expected a folder with one subfolder of images per class", err);
        Assert.Contains("which does not exist", err);

        (code, _, err) = Run("finetune", "resnet5O", "--data", folder.Data, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("expected a model file (.h5, .keras, .onnx) or a Keras application name (resnet50,", err);
        Assert.Contains("got 'resnet5O'", err);

        (code, _, err) = Run("finetune", Path.Combine(folder.Root, "missing.keras"), "--data", folder.Data, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("missing.keras', which does not exist", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--cut", "conv9", "--epochs-frozen", "1", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("expected a layer name to cut at, one of the base's 8 layers (conv1, bn1, pool1, conv2, pool2, flatten, features, head", err);
        Assert.Contains("got 'conv9'", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--image-size", "28", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("expected --image-size H,W (two positive integers, e.g. 224,224), got '28'", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--image-size", "32,32", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("expected image size (28, 28), the model's input (None, 28, 28, 1), got (32, 32)", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--color-mode", "rgb", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("expected colorMode \"grayscale\" for an input of 1 channel(s), got \"rgb\"", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--rescale", "1/0", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("expected --rescale SCALE[,OFFSET]", err);

        (code, _, err) = Run("finetune", folder.BaseKeras, "--data", folder.Data, "--validation-split", "1", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("expected --validation-split between 0 and 1", err);
        Assert.False(Directory.Exists(outDir));

        (code, _, err) = Run("predict", folder.BaseKeras, "--images", Path.Combine(folder.Root, "nope.png"));
        Assert.Equal(1, code);
        Assert.Contains("--images: expected an image file or a folder, got", err);
    }

    [Theory]
    [InlineData("1/255", 1 / 255.0, 0)]
    [InlineData("1/127.5,-1", 1 / 127.5, -1)]
    [InlineData("0.5, 2", 0.5, 2)]
    public void RescaleAcceptsFractions(string text, double scale, double offset) =>
        Assert.Equal((scale, offset), FinetuneCommand.ParseRescale(text));
}
