using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Data;
using Spectre.Console;

namespace Graft.Cli.Demo;

/// <summary>
/// <c>graft demo [--cnn] [--quick] [--seed N] [--seeds N] [--out DIR] [--data DIR] [--json]</c>: Géron's
/// transfer-learning experiment, with a terminal table and a report folder; with <c>--pretrained
/// [--base PATH] [--image-size N] [--fine-tune N]</c>, the ImageNet ResNet18 against the same network
/// from scratch on the same task.
/// </summary>
public static class DemoCommand
{
    public static int Run(Arguments a)
    {
        bool json = a.Flag("--json"), quick = a.Flag("--quick");
        if (a.Flag("--pretrained")) return RunPretrained(a, json, quick);
        string outDir = Path.GetFullPath(a.Option("--out") ?? "graft-demo");
        int seed = a.PositiveInt("--seed", 42);
        var options = quick ? GeronTransferOptions.Quick(outDir) : new GeronTransferOptions { OutputDirectory = outDir };
        options = options with { Seed = seed, Seeds = a.PositiveInt("--seeds", options.Seeds), Verbose = json ? 0 : a.IntInRange("--verbose", 1, 0, 2), Cnn = a.Flag("--cnn") };
        if (options.Cnn) options = options with { EpochsA = quick ? 1 : 5 };

        Action<string> log = json ? _ => { } : line => AnsiConsole.MarkupLine($"[bold]{Markup.Escape(line)}[/]");
        var fashion = FashionMnist.Load(a.Option("--data") ?? RepositoryData(), json ? null : Progress());
        var data = GeronTransferData.From(fashion);
        var result = GeronTransferExperiment.Run(data, options, log);

        var report = DemoReport.Write(result, options);
        if (json) { Console.WriteLine(Json(result).ToJsonString()); return 0; }
        AnsiConsole.Write(Table(result));
        AnsiConsole.MarkupLine($"Report: [link]{Markup.Escape(report)}[/]");
        return 0;
    }

    private static int RunPretrained(Arguments a, bool json, bool quick)
    {
        if (a.Flag("--cnn")) throw new UsageException("graft demo: expected --cnn or --pretrained, got both.");
        string outDir = Path.GetFullPath(a.Option("--out") ?? "graft-demo-pretrained");
        var options = quick ? PretrainedTransferOptions.Quick(outDir) : new PretrainedTransferOptions { OutputDirectory = outDir };
        options = options with
        {
            Seed = a.PositiveInt("--seed", 42), Seeds = a.PositiveInt("--seeds", options.Seeds), Verbose = json ? 0 : a.IntInRange("--verbose", 1, 0, 2),
            ImageSize = a.PositiveInt("--image-size", options.ImageSize), FineTuneEpochs = a.IntInRange("--fine-tune", options.FineTuneEpochs, 0, 1000),
            BasePath = a.Option("--base"),
        };
        Action<string> log = json ? _ => { } : line => AnsiConsole.MarkupLine($"[bold]{Markup.Escape(line)}[/]");
        var fashion = FashionMnist.Load(a.Option("--data") ?? RepositoryData(), json ? null : Progress());
        var result = PretrainedTransferExperiment.Run(GeronTransferData.From(fashion), options, log);
        var report = PretrainedDemoReport.Write(result, options);
        if (json) { Console.WriteLine(PretrainedJson(result).ToJsonString()); return 0; }
        AnsiConsole.Write(PretrainedTable(result, options));
        AnsiConsole.MarkupLine($"Report: [link]{Markup.Escape(report)}[/]");
        return 0;
    }

    internal static Table PretrainedTable(PretrainedTransferResult r, PretrainedTransferOptions o)
    {
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]ImageNet ResNet18 on \"sandal or shirt?\" ({o.TrainImages} images, {r.ImageSize}x{r.ImageSize})[/]");
        t.AddColumn("Model"); t.AddColumn(new TableColumn("Test accuracy (mean ± std)").RightAligned());
        t.AddColumn(new TableColumn("Error rate").RightAligned()); t.AddColumn(new TableColumn("Runs").RightAligned());
        foreach (var (model, mean, std) in PretrainedDemoReport.Rows(r, o))
            t.AddRow(Markup.Escape(model), $"{F(mean)} ± {F(std)}", F(1 - mean), r.Runs.Count.ToString());
        t.Caption($"Error rate ratio (scratch / pretrained): [bold]{r.ErrorRateRatio.ToString("0.00", CultureInfo.InvariantCulture)}x[/], {r.Seconds.ToString("0", CultureInfo.InvariantCulture)} s");
        return t;
    }

    internal static JsonObject PretrainedJson(PretrainedTransferResult r)
    {
        JsonObject Side((double Mean, double Std) s, IEnumerable<double> all) => new()
        {
            ["test_accuracy_mean"] = s.Mean, ["test_accuracy_std"] = s.Std,
            ["test_accuracies"] = new JsonArray(all.Select(v => (JsonNode)v).ToArray()),
        };
        return new JsonObject
        {
            ["image_size"] = r.ImageSize,
            ["scratch"] = Side(r.Scratch, r.Runs.Select(x => x.ScratchTestAccuracy)),
            ["pretrained"] = Side(r.Frozen, r.Runs.Select(x => x.FrozenTestAccuracy)),
            ["fine_tuned"] = r.FineTuned is { } f ? Side(f, r.Runs.Select(x => x.FineTunedTestAccuracy!.Value)) : null,
            ["error_rate_ratio"] = r.ErrorRateRatio,
            ["seeds"] = new JsonArray(r.Runs.Select(x => (JsonNode)x.Seed).ToArray()),
            ["seconds"] = r.Seconds,
        };
    }

    /// <summary>The repository's copy of Fashion-MNIST, when run from inside a clone; else the default search.</summary>
    private static string? RepositoryData()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
            if (File.Exists(Path.Combine(dir.FullName, "Graft.slnx")) && Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static Action<string, long, long> Progress()
    {
        string? current = null;
        return (file, done, total) =>
        {
            if (file != current) { current = file; Console.WriteLine($"Downloading {file}"); }
            if (total > 0 && (done == total || done % (1 << 22) < 65536))
                Console.Write($"\r{done * 100 / total,3}% of {total / 1e6:0.0} MB{(done == total ? "\n" : "")}");
        };
    }

    internal static Table Table(GeronTransferResult r)
    {
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]Transfer learning on Fashion-MNIST (Géron, ch. 11){(r.Cnn ? ", small CNN" : "")}[/]");
        t.AddColumn("Model"); t.AddColumn(new TableColumn("Test accuracy (mean ± std)").RightAligned());
        t.AddColumn(new TableColumn("Error rate").RightAligned()); t.AddColumn(new TableColumn("Runs").RightAligned());
        var (b, bStd) = r.ModelB; var (ba, baStd) = r.ModelBOnA;
        t.AddRow("Model A (8 classes, task A)", F(r.ModelATestAccuracy), F(1 - r.ModelATestAccuracy), "1");
        t.AddRow("Model B from scratch (200 images)", $"{F(b)} ± {F(bStd)}", F(1 - b), r.Runs.Count.ToString());
        t.AddRow("[bold]Model B on A (reused layers)[/]", $"[bold]{F(ba)} ± {F(baStd)}[/]", $"[bold]{F(1 - ba)}[/]", r.Runs.Count.ToString());
        t.Caption($"Error rate ratio (B / B on A): [bold]{r.ErrorRateRatio.ToString("0.00", CultureInfo.InvariantCulture)}x[/]");
        return t;
    }

    internal static JsonObject Json(GeronTransferResult r)
    {
        JsonObject Side((double Mean, double Std) s, IEnumerable<double> all) => new()
        {
            ["test_accuracy_mean"] = s.Mean, ["test_accuracy_std"] = s.Std,
            ["test_accuracies"] = new JsonArray(all.Select(v => (JsonNode)v).ToArray()),
        };
        return new JsonObject
        {
            ["model_a"] = new JsonObject { ["test_accuracy"] = r.ModelATestAccuracy, ["val_accuracy"] = r.ModelA["val_accuracy"][^1] },
            ["model_b"] = Side(r.ModelB, r.Runs.Select(x => x.ModelBTestAccuracy)),
            ["model_b_on_a"] = Side(r.ModelBOnA, r.Runs.Select(x => x.ModelBOnATestAccuracy)),
            ["error_rate_ratio"] = r.ErrorRateRatio,
            ["seeds"] = new JsonArray(r.Runs.Select(x => (JsonNode)x.Seed).ToArray()),
        };
    }
}
