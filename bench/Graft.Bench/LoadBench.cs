using System.Diagnostics;
using System.Text.Json.Nodes;
using Graft.Models;

namespace Graft.Bench;

/// <summary>
/// Loading the 45-layer mini-Xception (Keras 2.0.5, .hdf5): Graft's Model.Load (config, layers,
/// weights) beside h5py reading the same weight datasets into NumPy arrays, in the same run.
/// </summary>
internal static class LoadBench
{
    private const string File = "tests/Graft.Tests/Fixtures/keras/k2.0.5_oarriaga_fer2013_mini_XCEPTION.hdf5";

    // The peer: h5py (Debian's python3-h5py) opening the file and reading every dataset under model_weights.
    private const string H5pyScript = """
        import sys, time, json, statistics, h5py
        def load(p):
            with h5py.File(p, "r") as f:
                arrays = []
                f["model_weights"].visit(lambda name: arrays.append(f["model_weights"][name][()]) if isinstance(f["model_weights"][name], h5py.Dataset) else None)
                return len(arrays)
        n = load(sys.argv[1]); ts = []
        for _ in range(int(sys.argv[2])):
            t = time.perf_counter(); load(sys.argv[1]); ts.append(time.perf_counter() - t)
        print(json.dumps({"datasets": n, "ms": statistics.median(ts) * 1000}))
        """;

    public static void Run(Report report, BenchOptions options)
    {
        string path = Path.GetFullPath(File);
        if (!System.IO.File.Exists(path)) { Console.Error.WriteLine($"load bench skipped: {path} not found (run from the repository root)."); return; }
        int reps = options.Quick ? 5 : 20;
        Model.Load(path, compile: false);
        var times = new List<double>();
        for (int i = 0; i < reps; i++) { var sw = Stopwatch.StartNew(); Model.Load(path, compile: false); times.Add(sw.Elapsed.TotalMilliseconds); }
        times.Sort();
        double ours = times[times.Count / 2];
        double? theirs = null;
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(H5pyScript); psi.ArgumentList.Add(path); psi.ArgumentList.Add(reps.ToString());
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) theirs = JsonNode.Parse(output.Trim().Split('\n')[^1])!["ms"]!.GetValue<double>();
            else Console.Error.WriteLine($"peer h5py failed: {p.StandardError.ReadToEnd().Trim().Split('\n')[^1]}");
        }
        catch (System.ComponentModel.Win32Exception e) { Console.Error.WriteLine($"peer h5py skipped: {e.Message}"); }
        report.Add("load_mini_xception", ours, theirs, "ms (lower is better; ratio = graft time / h5py time)", "h5py reading the weight datasets",
            new JsonObject { ["speedup_vs_h5py"] = theirs is { } t ? Math.Round(t / ours, 3) : null });
    }
}
