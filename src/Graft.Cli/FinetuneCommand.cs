using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Applications;
using Graft.Saving;
using Graft.Vision;

namespace Graft.Cli;

/// <summary>
/// <c>graft finetune BASE --data DIR [options]</c>: Keras's transfer-learning recipe on a folder of
/// photos (one subfolder per class), through <see cref="FineTuning"/>; writes the model and a report
/// folder. The recipe lives in the library; this parses, reads the folder and writes the files.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>The options that take a value.</summary>
    public static readonly string[] Options = ["--data", "--cut", "--image-size", "--color-mode", "--epochs-frozen", "--epochs", "--learning-rate",
        "--batch-size", "--validation-split", "--rescale", "--seed", "--out", "--verbose"];

    /// <summary>The seed when none is given: the one of Keras's guide, so runs repeat.</summary>
    public const int DefaultSeed = 1337;

    /// <summary>Runs the command; returns its exit code.</summary>
    public static int Run(Arguments a)
    {
        string source = a.Positional(0, "a base model (.h5, .keras, .onnx file, or an application name such as resnet50)");
        string data = a.Required("--data");
        bool json = a.Flag("--json");
        var imageSize = a.Option("--image-size") is { } size ? ParseSize(size) : ((int, int)?)null;
        string? colorMode = a.Option("--color-mode") switch
        {
            null => null,
            var m when m is "rgb" or "grayscale" => m,
            var m => throw new UsageException($"graft finetune: expected --color-mode rgb or grayscale, got '{m}'."),
        };
        double split = ParseDouble(a, "--validation-split", 0.2);
        if (!(split > 0 && split < 1)) throw new UsageException($"graft finetune: expected --validation-split between 0 and 1 (exclusive), got '{a.Option("--validation-split")}'.");
        double learningRate = ParseDouble(a, "--learning-rate", 1e-4);
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new UsageException($"graft finetune: expected a positive --learning-rate, got '{a.Option("--learning-rate")}'.");
        var options = new FineTuningOptions
        {
            Cut = a.Option("--cut"),
            Rescale = a.Option("--rescale") is { } r ? ParseRescale(r) : null,
            Augment = a.Flag("--augment"),
            Seed = a.IntInRange("--seed", DefaultSeed, 0, int.MaxValue),
            EpochsFrozen = a.IntInRange("--epochs-frozen", 4, 0, 100_000),
            Epochs = a.IntInRange("--epochs", 16, 0, 100_000),
            LearningRate = learningRate,
            Verbose = json ? 0 : a.IntInRange("--verbose", 1, 0, 2),
        };
        int batchSize = a.PositiveInt("--batch-size", 32);
        string outDir = Path.GetFullPath(a.Option("--out") ?? "graft-finetune");
        if (!Directory.Exists(data))
            throw new DirectoryNotFoundException($"--data: expected a folder with one subfolder of images per class, got '{data}', which does not exist.");

        var baseModel = FineTuningBase.Load(source, imageSize, colorMode);
        // The label form depends on the number of classes (one sigmoid unit for two), known before the files are read.
        int classCount = Directory.GetDirectories(data).Count(d => !Path.GetFileName(d).StartsWith('.'));
        var (train, validation) = ImageDataset.FromDirectory(data, labelMode: FineTuning.LabelMode(classCount), colorMode: baseModel.ColorMode,
            batchSize: batchSize, imageSize: baseModel.ImageSize, seed: options.Seed, validationSplit: split, subset: "both");
        if (train.ClassNames.Count < 2)
            throw new ArgumentException($"--data: expected at least 2 class subfolders in '{data}', got {train.ClassNames.Count} ({string.Join(", ", train.ClassNames)}).");
        if (!json)
            Console.WriteLine($"{train.FilePaths.Count + validation.FilePaths.Count} images of {train.ClassNames.Count} classes ({string.Join(", ", train.ClassNames)}): "
                + $"{train.FilePaths.Count} for training, {validation.FilePaths.Count} for validation; base {source}, images {baseModel.ImageSize.Height}x{baseModel.ImageSize.Width} {baseModel.ColorMode}"
                + (baseModel.ChannelsFirst ? ", transposed to channels first for the ONNX base" : ""));

        var result = FineTuning.Run(baseModel, train, validation, train.ClassNames, options);
        Directory.CreateDirectory(outDir);
        string modelPath = Path.Combine(outDir, "model.keras");
        result.Model.Save(modelPath);
        KerasMetadata.WriteClassNames(modelPath, result.ClassNames);
        var run = new FinetuneRun(source, data, train.FilePaths.Count, validation.FilePaths.Count, baseModel, options, batchSize, split, result, modelPath);
        string report = FinetuneReport.Write(outDir, run);

        if (json) { Console.WriteLine(Json(run).ToJsonString()); return 0; }
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        Console.WriteLine($"frozen ({options.EpochsFrozen} epochs): val_accuracy {F(result.FrozenValidation["accuracy"])}, val_loss {F(result.FrozenValidation["loss"])}");
        Console.WriteLine($"fine-tuned ({options.Epochs} epochs): val_accuracy {F(result.FineTunedValidation["accuracy"])}, val_loss {F(result.FineTunedValidation["loss"])}");
        Console.WriteLine($"Model: {modelPath}");
        Console.WriteLine($"Report: {report}");
        return 0;
    }

    /// <summary>The one object <c>--json</c> prints.</summary>
    internal static JsonObject Json(FinetuneRun run)
    {
        var r = run.Result;
        JsonObject Phase(IReadOnlyDictionary<string, double> v) => new() { ["val_accuracy"] = v["accuracy"], ["val_loss"] = v["loss"] };
        return new JsonObject
        {
            ["classes"] = new JsonArray(r.ClassNames.Select(c => (JsonNode?)c).ToArray()),
            ["train_samples"] = run.TrainSamples,
            ["validation_samples"] = run.ValidationSamples,
            ["frozen"] = Phase(r.FrozenValidation),
            ["fine_tuned"] = Phase(r.FineTunedValidation),
            ["model"] = run.ModelPath,
        };
    }

    /// <summary>"H,W" (or "HxW"), two positive integers.</summary>
    internal static (int Height, int Width) ParseSize(string text)
    {
        var parts = text.Split([',', 'x'], StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int w) && h > 0 && w > 0)
            return (h, w);
        throw new UsageException($"graft finetune: expected --image-size H,W (two positive integers, e.g. 224,224), got '{text}'.");
    }

    /// <summary>"SCALE[,OFFSET]", each a number or a fraction such as 1/255 or 1/127.5.</summary>
    internal static (double Scale, double Offset) ParseRescale(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && Number(parts[0]) is double scale && (parts.Length == 1 ? 0 : Number(parts[1])) is double offset)
            return (scale, offset);
        throw new UsageException($"graft finetune: expected --rescale SCALE[,OFFSET] (numbers or fractions, e.g. 1/255 or 1/127.5,-1), got '{text}'.");
    }

    private static double? Number(string text)
    {
        const NumberStyles style = NumberStyles.Float;
        var c = CultureInfo.InvariantCulture;
        int slash = text.IndexOf('/');
        if (slash < 0) return double.TryParse(text, style, c, out double v) && double.IsFinite(v) ? v : null;
        return double.TryParse(text[..slash], style, c, out double n) && double.TryParse(text[(slash + 1)..], style, c, out double d) && d != 0 && double.IsFinite(n / d)
            ? n / d : null;
    }

    private static double ParseDouble(Arguments a, string name, double fallback)
    {
        if (a.Option(name) is not { } text) return fallback;
        return Number(text) ?? throw new UsageException($"graft finetune: expected a number for {name}, got '{text}'.");
    }
}
