using System.Diagnostics;

namespace Graft.Tests.Distributed;

/// <summary>Runs the worker program (tests/Graft.Distributed.Worker) alone or under <c>mpirun</c>, and reads what each rank wrote.</summary>
internal static class MpiJob
{
    /// <summary>Longer than any scenario takes on a loaded machine; a job still running then has hung.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(4);

    public static string? MpirunPath { get; } = Environment.GetEnvironmentVariable("PATH")?.Split(':')
        .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);

    private static string Worker => Path.Combine(AppContext.BaseDirectory, "Graft.Distributed.Worker.dll");

    /// <summary>Runs the worker with <paramref name="args"/> on <paramref name="ranks"/> processes (0: alone, without mpirun).</summary>
    /// <returns>The exit code and everything written to standard output and error.</returns>
    public static (int ExitCode, string Output) Run(int ranks, params string[] args)
    {
        var start = ranks == 0
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Worker } }
            : new ProcessStartInfo(MpirunPath!) { ArgumentList = { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(), "dotnet", Worker } };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"worker {string.Join(' ', args)} on {ranks} rank(s): expected the job to end, got it still running after {HangGuard.TotalMinutes} minutes (a hang).");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The floats a rank wrote to <c>&lt;name&gt;-&lt;worldSize&gt;-&lt;rank&gt;.bin</c>.</summary>
    public static float[] Floats(string folder, string name, int worldSize, int rank)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, $"{name}-{worldSize}-{rank}.bin"));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>The history and evaluation a rank wrote: (key, epoch) to value.</summary>
    public static Dictionary<(string Key, int Epoch), double> History(string folder, int worldSize, int rank) =>
        File.ReadAllLines(Path.Combine(folder, $"history-{worldSize}-{rank}.txt")).Select(l => l.Split(' '))
            .ToDictionary(p => (p[0], int.Parse(p[1])), p => double.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
}
