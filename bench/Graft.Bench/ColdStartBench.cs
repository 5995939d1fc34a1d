using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Losses;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// A fresh process's training, as a consumer app sees it: a small fine-tune (the small CNN, 5,000
/// samples, batch 64, 5 epochs) in a child process run once with the runtime's defaults (tiered
/// compilation on, so methods start unoptimized and hot ones are compiled again in the background)
/// and once with the bench's setting (tiering off), alternated, best of each. Cases
/// cold_first_epoch (seconds of the first epoch) and cold_fit (seconds of the whole Fit), the
/// defaults against the bench's setting as the "peer": a ratio near 1 means nothing needs configuring.
/// </summary>
internal static class ColdStartBench
{
    public const string ChildFlag = "--cold-child";
    private const int Samples = 5_000;

    private const int Epochs = 5;

    /// <summary>The child: one Fit; prints each epoch's seconds.</summary>
    public static void Child()
    {
        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Samples, 28, 28, 1], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Samples).Select(_ => (float)g.NextInt(10)).ToArray(), Samples);
        var model = CnnBench.SmallCnn();
        model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(1e-2, momentum: 0.9));
        var timer = new EpochSeconds();
        model.Fit(x, y, batchSize: 64, epochs: Epochs, verbose: 0, callbacks: [timer]);
        Console.WriteLine(string.Join(' ', timer.Seconds.Select(s => s.ToString("F4", CultureInfo.InvariantCulture))));
    }

    public static void Run(Report report, BenchOptions options)
    {
        string dll = typeof(ColdStartBench).Assembly.Location;
        string config = Path.ChangeExtension(dll, ".runtimeconfig.json");
        // The app's defaults: the bench's runtime config without its tiering switch.
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["runtimeOptions"]!["configProperties"]!.AsObject().Remove("System.Runtime.TieredCompilation");
        string defaults = Path.Combine(Path.GetTempPath(), $"graft-bench-defaults-{Environment.ProcessId}.runtimeconfig.json");
        File.WriteAllText(defaults, json.ToJsonString());
        int rounds = options.Rounds ?? (options.Quick ? 1 : 3);
        // Best first epoch, best whole Fit and best last epoch of each setting.
        double[] tiered = [double.MaxValue, double.MaxValue, double.MaxValue], untiered = [double.MaxValue, double.MaxValue, double.MaxValue];
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                Keep(tiered, RunChild(dll, defaults));
                Keep(untiered, RunChild(dll, config));
            }
        }
        finally { File.Delete(defaults); }
        report.Add("cold_first_epoch", tiered[0], untiered[0], "s (lower is better)", "same, tiered compilation off", new JsonObject
        {
            ["rounds"] = rounds,
        });
        report.Add("cold_fit", tiered[1], untiered[1], "s (lower is better)", $"same, tiered compilation off ({Epochs} epochs of {Samples:N0} samples)", new JsonObject
        {
            ["last_epoch_tiered_s"] = Math.Round(tiered[2], 3),
            ["last_epoch_untiered_s"] = Math.Round(untiered[2], 3),
            ["rounds"] = rounds,
        });
    }

    private static void Keep(double[] best, double[] epochs)
    {
        best[0] = Math.Min(best[0], epochs[0]);
        best[1] = Math.Min(best[1], epochs.Sum());
        best[2] = Math.Min(best[2], epochs[^1]);
    }

    private static double[] RunChild(string dll, string runtimeConfig)
    {
        var psi = new ProcessStartInfo("dotnet", $"exec --runtimeconfig \"{runtimeConfig}\" \"{dll}\" {ChildFlag}")
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        psi.Environment.Remove("DOTNET_TieredCompilation");
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    private sealed class EpochSeconds : Graft.Training.Callbacks.Callback
    {
        private readonly Stopwatch _sw = new();
        public List<double> Seconds { get; } = [];
        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _sw.Restart();
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => Seconds.Add(_sw.Elapsed.TotalSeconds);
    }
}
