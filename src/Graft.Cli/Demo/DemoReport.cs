using System.Globalization;
using System.Text;
using Graft.Training;

namespace Graft.Cli.Demo;

/// <summary>
/// The demo's report folder: learning curves (PNG), <c>history.csv</c>, and <c>report.md</c> that
/// embeds them with the results table. Existing folders are reused; only these files are replaced.
/// </summary>
internal static class DemoReport
{
    public static string Write(GeronTransferResult r, GeronTransferOptions o)
    {
        string dir = o.OutputDirectory;
        Directory.CreateDirectory(dir);
        Plot(Path.Combine(dir, "model_a.png"), "Model A on task A (8 classes)", [("", r.ModelA)], phaseBoundary: null);
        var first = r.Runs[0];
        Plot(Path.Combine(dir, "model_b.png"), $"Model B from scratch, 200 images (seed {first.Seed})", [("", first.ModelB)], null);
        Plot(Path.Combine(dir, "model_b_on_a.png"), $"Model B on A: frozen, then fine-tuned (seed {first.Seed})",
            [("", Concat(first.Frozen, first.FineTuned))], phaseBoundary: first.Frozen.Epoch.Count);
        WriteCsv(Path.Combine(dir, "history.csv"), r);
        string report = Path.Combine(dir, "report.md");
        File.WriteAllText(report, Markdown(r, o));
        return report;
    }

    internal static Dictionary<string, List<double>> Concat(History a, History b) =>
        a.Keys.ToDictionary(k => k, k => a[k].Concat(b[k]).ToList());

    internal static void Plot(string path, string title, (string Prefix, History H)[] series, int? phaseBoundary) =>
        Plot(path, title, series.Select(s => (s.Prefix, s.H.Keys.ToDictionary(k => k, k => s.H[k].ToList()))).ToArray(), phaseBoundary);

    internal static void Plot(string path, string title, (string Prefix, Dictionary<string, List<double>> H)[] series, int? phaseBoundary)
    {
        var plt = new ScottPlot.Plot();
        foreach (var (prefix, h) in series)
            foreach (var key in new[] { "loss", "val_loss", "accuracy", "val_accuracy" })
            {
                if (!h.TryGetValue(key, out var ys)) continue;
                var xs = Enumerable.Range(1, ys.Count).Select(i => (double)i).ToArray();
                var s = plt.Add.Scatter(xs, ys.ToArray());
                s.LegendText = prefix + key;
                if (key.StartsWith("val_")) s.LinePattern = ScottPlot.LinePattern.Dashed;
            }
        if (phaseBoundary is int b)
        {
            var line = plt.Add.VerticalLine(b + 0.5);
            line.LabelText = "unfreeze";
            line.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        plt.Title(title);
        plt.XLabel("epoch");
        plt.ShowLegend(ScottPlot.Alignment.MiddleRight);
        plt.SavePng(path, 800, 450);
    }

    private static void WriteCsv(string path, GeronTransferResult r)
    {
        var sb = new StringBuilder("model,seed,phase,epoch,loss,accuracy,val_loss,val_accuracy\n");
        void Rows(string model, int seed, string phase, History h)
        {
            for (int e = 0; e < h.Epoch.Count; e++)
                sb.AppendLine(string.Join(",", model, seed, phase, e + 1,
                    string.Join(",", new[] { "loss", "accuracy", "val_loss", "val_accuracy" }.Select(k => h.HistoryDict.TryGetValue(k, out var v) ? v[e].ToString("R", CultureInfo.InvariantCulture) : ""))));
        }
        Rows("model_a", r.Runs.Count > 0 ? r.Runs[0].Seed : 0, "train", r.ModelA);
        foreach (var run in r.Runs)
        {
            Rows("model_b", run.Seed, "train", run.ModelB);
            Rows("model_b_on_a", run.Seed, "frozen", run.Frozen);
            Rows("model_b_on_a", run.Seed, "fine_tune", run.FineTuned);
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static string Markdown(GeronTransferResult r, GeronTransferOptions o)
    {
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var (b, bs) = r.ModelB; var (ba, bas) = r.ModelBOnA;
        return $"""
            # Transfer learning on Fashion-MNIST

            Géron's experiment (Hands-On Machine Learning, chapter 11), run by Graft: model A learns 8
            Fashion-MNIST classes; model B learns "shirt or sandal?" from only 200 images, once from
            scratch and once on top of model A's layers (frozen for {o.FrozenEpochs} epochs, then
            fine-tuned for {o.FineTuneEpochs} with SGD 1e-4). B and B on A are repeated over {r.Runs.Count} seeds
            ({string.Join(", ", r.Runs.Select(x => x.Seed))}), because one run can flatter either side.

            | Model | Test accuracy (mean ± std) | Error rate | Runs |
            |---|---|---|---|
            | Model A (8 classes, task A, {o.EpochsA} epochs) | {F(r.ModelATestAccuracy)} | {F(1 - r.ModelATestAccuracy)} | 1 |
            | Model B from scratch ({o.EpochsB} epochs) | {F(b)} ± {F(bs)} | {F(1 - b)} | {r.Runs.Count} |
            | **Model B on A** | **{F(ba)} ± {F(bas)}** | **{F(1 - ba)}** | {r.Runs.Count} |

            Error rate ratio (B / B on A): **{r.ErrorRateRatio.ToString("0.00", CultureInfo.InvariantCulture)}x**.

            Per seed (test accuracy): {string.Join("; ", r.Runs.Select(x => $"seed {x.Seed}: B {F(x.ModelBTestAccuracy)}, B on A {F(x.ModelBOnATestAccuracy)}"))}.

            ![Model A](model_a.png)

            ![Model B](model_b.png)

            ![Model B on A](model_b_on_a.png)

            Files: `history.csv` (every epoch of every phase), `my_model_A.h5`, `model_B.h5`,
            `model_B_on_A.h5` (Keras legacy HDF5, loadable by Keras and by `Model.Load`).

            """;
    }
}
