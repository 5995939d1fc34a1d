using System.Globalization;
using System.Text;
using Graft.Training;

namespace Graft.Cli;

/// <summary>
/// The report folder of <c>graft finetune</c>: <c>history.csv</c> (every epoch of both phases),
/// <c>accuracy.png</c> and <c>loss.png</c> (learning curves, the unfreezing marked), and <c>report.md</c>
/// that embeds them with the setup and the results. Only these files (and the model) are replaced.
/// </summary>
internal static class FinetuneReport
{
    private static readonly string[] s_keys = ["loss", "accuracy", "val_loss", "val_accuracy"];

    /// <summary>Writes the files into <paramref name="dir"/>; returns the path of report.md.</summary>
    public static string Write(string dir, FinetuneRun run)
    {
        Directory.CreateDirectory(dir);
        var phases = new[] { ("frozen", run.Result.Frozen), ("fine_tune", run.Result.FineTuned) };
        File.WriteAllText(Path.Combine(dir, "history.csv"), Csv(phases));
        int boundary = run.Result.Frozen.Epoch.Count;
        Plot(Path.Combine(dir, "accuracy.png"), "Accuracy", "accuracy", phases, boundary);
        Plot(Path.Combine(dir, "loss.png"), "Loss", "loss", phases, boundary);
        string report = Path.Combine(dir, "report.md");
        File.WriteAllText(report, Markdown(run));
        return report;
    }

    /// <summary>One row per epoch: phase, epoch (counted across both phases), loss, accuracy, val_loss, val_accuracy.</summary>
    internal static string Csv((string Phase, History H)[] phases)
    {
        var sb = new StringBuilder("phase,epoch,").AppendJoin(',', s_keys).Append('\n');
        int epoch = 0;
        foreach (var (phase, h) in phases)
            for (int e = 0; e < h.Epoch.Count; e++)
                sb.Append(phase).Append(',').Append(++epoch).Append(',')
                  .AppendJoin(',', s_keys.Select(k => h.HistoryDict.TryGetValue(k, out var v) ? v[e].ToString("R", CultureInfo.InvariantCulture) : ""))
                  .Append('\n');
        return sb.ToString();
    }

    private static void Plot(string path, string title, string key, (string Phase, History H)[] phases, int boundary)
    {
        var plt = new ScottPlot.Plot();
        foreach (var name in new[] { key, "val_" + key })
        {
            var ys = phases.SelectMany(p => p.H.HistoryDict.TryGetValue(name, out var v) ? v : []).ToArray();
            if (ys.Length == 0) continue;
            var s = plt.Add.Scatter(Enumerable.Range(1, ys.Length).Select(i => (double)i).ToArray(), ys);
            s.LegendText = name.StartsWith("val_") ? "validation" : "training";
            if (name.StartsWith("val_")) s.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        if (boundary > 0 && phases[1].H.Epoch.Count > 0)
        {
            var line = plt.Add.VerticalLine(boundary + 0.5);
            line.LabelText = "unfreeze";
            line.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        plt.Title(title);
        plt.XLabel("epoch");
        plt.ShowLegend(ScottPlot.Alignment.MiddleRight);
        plt.SavePng(path, 800, 450);
    }

    private static string Markdown(FinetuneRun run)
    {
        var (o, r, b) = (run.Options, run.Result, run.Base);
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        string front = string.Join(", ", new[]
        {
            o.Augment ? "RandomFlip(\"horizontal\"), RandomRotation(0.1)" : null,
            o.Rescale is var (s, off) ? $"Rescaling({G(s)}, offset {G(off)})" : null,
            b.Preprocessing.Count > 0 ? "preprocess_input (" + string.Join(", ", b.Preprocessing.Select(l => l.ClassName)) + ")" : null,
            b.ChannelsFirst ? "Permute((3, 1, 2)) to channels first" : null,
            b.WithoutChannelAxis ? $"Reshape(({b.ImageSize.Height}, {b.ImageSize.Width})) to drop the channel axis" : null,
        }.OfType<string>());
        string head = r.ClassNames.Count == 2 ? "Dense(1, sigmoid)" : $"Dense({r.ClassNames.Count}, softmax)";
        string pooling = r.Model.Layers.Select(l => l.ClassName).FirstOrDefault(c => c is "GlobalAveragePooling2D" or "Flatten") is { } p ? p + ", " : "";
        string cut = o.Cut is { } c ? $"at layer `{c}`" : b.HeadRemoved ? "none (built without its top)" : "all layers but the last";
        return $"""
            # Fine-tuning {run.Source}

            Keras's transfer-learning recipe on `{run.DataDirectory}`: the base, cut below its head and frozen
            (called with `training=False`, so its BatchNormalization keeps its statistics), under a new head,
            trained for {o.EpochsFrozen} epochs (Adam, 1e-3); then unfrozen, recompiled with Adam at
            {G(o.LearningRate)} and trained for {o.Epochs} epochs.

            | Setting | Value |
            |---|---|
            | Classes | {string.Join(", ", r.ClassNames)} |
            | Images | {run.TrainSamples} for training, {run.ValidationSamples} for validation (split {G(run.ValidationSplit)}, seed {o.Seed}) |
            | Image size | {b.ImageSize.Height}x{b.ImageSize.Width}, {b.ColorMode} |
            | In front of the base | {(front.Length > 0 ? front : "nothing")} |
            | Cut | {cut} |
            | Head | {pooling}{head} |
            | Batch size | {run.BatchSize} |

            | Phase | Epochs | Validation accuracy | Validation loss |
            |---|---|---|---|
            | Frozen base, new head | {o.EpochsFrozen} | {F(r.FrozenValidation["accuracy"])} | {F(r.FrozenValidation["loss"])} |
            | **Fine-tuned** | {o.Epochs} | **{F(r.FineTunedValidation["accuracy"])}** | {F(r.FineTunedValidation["loss"])} |

            ![Accuracy](accuracy.png)

            ![Loss](loss.png)

            Files: `model.keras` (the whole model, class names in its `metadata.json` under `class_names`;
            `graft predict model.keras --images PHOTO...` prints them), `history.csv` (every epoch of both
            phases), `accuracy.png`, `loss.png`.

            """;
    }
}
