using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Losses;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// The first epoch of a fresh process, as a consumer app sees it: a small fine-tune (the small CNN,
/// 5,000 samples, batch 64) in a child process run once with the runtime's defaults (tiered
/// compilation on, so methods start unoptimized) and once with the bench's setting (tiering off),
/// alternated, best of each. Case cold_first_epoch: seconds of the first epoch with the defaults,
/// against the bench's setting as the "peer" (a ratio near 1 means nothing needs configuring).
/// </summary>
internal static class ColdStartBench
{
    public const string ChildFlag = "--cold-child";
    private const int Samples = 5_000;

    /// <summary>The child: one Fit of two epochs; prints the first and second epochs' seconds.</summary>
    public static void Child()
    {
        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Samples, 28, 28, 1], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Samples).Select(_ => (float)g.NextInt(10)).ToArray(), Samples);
        var model = CnnBench.SmallCnn();
        model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(1e-2, momentum: 0.9));
        var timer = new EpochSeconds();
        model.Fit(x, y, batchSize: 64, epochs: 2, verbose: 0, callbacks: [timer]);
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
        double[] tiered = [double.MaxValue, double.MaxValue], untiered = [double.MaxValue, double.MaxValue];
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
            ["second_epoch_tiered_s"] = Math.Round(tiered[1], 3),
            ["second_epoch_untiered_s"] = Math.Round(untiered[1], 3),
            ["rounds"] = rounds,
        });
    }

    private static void Keep(double[] best, double[] run)
    {
        for (int i = 0; i < best.Length; i++) best[i] = Math.Min(best[i], run[i]);
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
