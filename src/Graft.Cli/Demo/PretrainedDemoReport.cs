using System.Globalization;
using System.Text;
using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>
/// The report folder of <c>graft demo --pretrained</c>: learning curves of the first seed (PNG),
/// <c>history.csv</c> and <c>report.md</c>. Existing folders are reused; only these files are replaced.
/// </summary>
internal static class PretrainedDemoReport
{
    public static string Write(PretrainedTransferResult r, PretrainedTransferOptions o)
    {
        string dir = o.OutputDirectory;
        Directory.CreateDirectory(dir);
        var first = r.Runs[0];
        DemoReport.Plot(Path.Combine(dir, "resnet18_scratch.png"), $"ResNet18 from scratch, {o.TrainImages} images (seed {first.Seed})", [("", first.Scratch)], null);
        if (first.FineTuned is { } fine)
            DemoReport.Plot(Path.Combine(dir, "resnet18_pretrained.png"), $"Pretrained ResNet18: frozen, then fine-tuned (seed {first.Seed})",
                [("", DemoReport.Concat(first.Frozen, fine))], phaseBoundary: first.Frozen.Epoch.Count);
        else
            DemoReport.Plot(Path.Combine(dir, "resnet18_pretrained.png"), $"Pretrained ResNet18, frozen, new head (seed {first.Seed})", [("", first.Frozen)], null);
        WriteCsv(Path.Combine(dir, "history.csv"), r);
        string report = Path.Combine(dir, "report.md");
        File.WriteAllText(report, Markdown(r, o));
        return report;
    }

    private static void WriteCsv(string path, PretrainedTransferResult r)
    {
        var sb = new StringBuilder("model,seed,phase,epoch,loss,accuracy,val_loss,val_accuracy\n");
        void Rows(string model, int seed, string phase, History h)
        {
            for (int e = 0; e < h.Epoch.Count; e++)
                sb.AppendLine(string.Join(",", model, seed, phase, e + 1,
                    string.Join(",", new[] { "loss", "accuracy", "val_loss", "val_accuracy" }.Select(k => h.HistoryDict.TryGetValue(k, out var v) ? v[e].ToString("R", CultureInfo.InvariantCulture) : ""))));
        }
        foreach (var run in r.Runs)
        {
            Rows("resnet18_scratch", run.Seed, "train", run.Scratch);
            Rows("resnet18_pretrained", run.Seed, "frozen", run.Frozen);
            if (run.FineTuned is { } fine) Rows("resnet18_pretrained", run.Seed, "fine_tune", fine);
        }
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>The table rows: (model, mean, std) for each variant that ran.</summary>
    public static IEnumerable<(string Model, double Mean, double Std)> Rows(PretrainedTransferResult r, PretrainedTransferOptions o)
    {
        yield return ($"ResNet18 from scratch ({o.ScratchEpochs} epochs)", r.Scratch.Mean, r.Scratch.Std);
        yield return ($"ResNet18 ImageNet, frozen + new head ({o.FrozenEpochs} epochs)", r.Frozen.Mean, r.Frozen.Std);
        if (r.FineTuned is { } fine) yield return ($"… then fine-tuned ({o.FineTuneEpochs} epochs, Adam 1e-5)", fine.Mean, fine.Std);
    }

    private static string Markdown(PretrainedTransferResult r, PretrainedTransferOptions o)
    {
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var rows = string.Join("\n", Rows(r, o).Select(x => $"| {x.Model} | {F(x.Mean)} ± {F(x.Std)} | {F(1 - x.Mean)} | {r.Runs.Count} |"));
        string perSeed = string.Join("; ", r.Runs.Select(x => $"seed {x.Seed}: scratch {F(x.ScratchTestAccuracy)}, pretrained {F(x.FrozenTestAccuracy)}"
            + (x.FineTunedTestAccuracy is double f ? $", fine-tuned {F(f)}" : "")));
        return $"""
            # Transfer from a pretrained network: ResNet18 on Fashion-MNIST

            The ImageNet ResNet18 of the NuGet package {ResNet18Files.Package} {ResNet18Files.Version} (ONNX,
            imported by Graft) against the same network trained from scratch, on the demo's task B ("shirt or
            sandal?") from {o.TrainImages} training images. Fashion-MNIST's 28x28 gray images are scaled back to
            0..255, resized to {r.ImageSize}x{r.ImageSize} (bilinear), replicated to 3 channels and centred with the
            package's mean (per channel); the network is cut before its last pooling and a global average
            pooling and a sigmoid unit are added. Pretrained: the base frozen, the head trained with Adam 1e-3
            {(o.FineTuneEpochs > 0 ? $"then the whole network fine-tuned with Adam 1e-5 (BatchNormalization kept frozen)" : "(no fine-tuning)")}.
            From scratch: the same network freshly initialized, trained whole with Adam 1e-3. Validation: the
            first {o.ValidationImages} of task B's validation images; test: the first {o.TestImages} of its test images.
            Repeated over {r.Runs.Count} seeds ({string.Join(", ", r.Runs.Select(x => x.Seed))}).

            | Model | Test accuracy (mean ± std) | Error rate | Runs |
            |---|---|---|---|
            {rows}

            Error rate ratio (from scratch / pretrained): **{r.ErrorRateRatio.ToString("0.00", CultureInfo.InvariantCulture)}x**.

            Per seed (test accuracy): {perSeed}.

            Last epoch, training / validation accuracy: {string.Join("; ", r.Runs.Select(x => $"seed {x.Seed}: from scratch {F(x.Scratch["accuracy"][^1])} / {F(x.Scratch["val_accuracy"][^1])}, pretrained {F(x.Frozen["accuracy"][^1])} / {F(x.Frozen["val_accuracy"][^1])}"))}.
            A gap between the two says the network memorized its few images rather than learned the task.

            Run time: {r.Seconds.ToString("0", CultureInfo.InvariantCulture)} s on {Environment.ProcessorCount} cores.

            ![ResNet18 from scratch](resnet18_scratch.png)

            ![Pretrained ResNet18](resnet18_pretrained.png)

            Files: `history.csv` (every epoch of every phase and seed).

            """;
    }
}
