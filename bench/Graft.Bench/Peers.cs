using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Graft.Bench;

/// <summary>
/// Runs the peer scripts (NumPy/OpenBLAS, PyTorch) in their fastest configuration on this CPU:
/// OpenBLAS with AVX-512 kernels forced (OPENBLAS_CORETYPE=SkylakeX; Nehalem when this process
/// has only 128-bit vectors), OpenMP build for torch.
/// </summary>
internal sealed class Peers(BenchOptions options)
{
    private const string Python = "/usr/bin/python3";
    private const string OpenMpBlas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    /// <summary>
    /// OpenBLAS's kernels for the peers: its AVX-512 ones, or its 128-bit (SSE) ones when this
    /// process has only 128-bit vectors (run with DOTNET_EnableAVX=0, the stand-in for ARM64
    /// NEON), so that both sides compute with vectors of the same width.
    /// </summary>
    public static string CoreType { get; } = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "SkylakeX" : "Nehalem";

    public string? Directory { get; } = options.NoPeer ? null : Locate(options.PeersDir);

    private static string? Locate(string? given)
    {
        if (given is not null) return System.IO.Directory.Exists(given) ? Path.GetFullPath(given) : null;
        if (Environment.GetEnvironmentVariable("GRAFT_PEERS") is { } env && System.IO.Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "bench", "peers");
            if (File.Exists(Path.Combine(dir.FullName, "Graft.slnx")) && System.IO.Directory.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    public string Unavailable => Directory is null
        ? "peer scripts not found (pass --peers DIR)"
        : !File.Exists(Python) ? $"{Python} not found (apt-get install python3-numpy python3-torch)" : "";

    /// <summary>Our own peer scripts (bench/peers in this repository), for cases the shared peers lack.</summary>
    private readonly string? _own = options.NoPeer ? null : LocateOwn();

    private static string? LocateOwn()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Graft.slnx")))
                return Path.Combine(dir.FullName, "bench", "peers");
        return null;
    }

    /// <summary>Runs a peer script and returns its JSON lines; null (with a note on stderr) when it cannot run.</summary>
    public List<JsonObject>? Run(string script, string arguments, bool openmp = false) => RunIn(Directory, script, arguments, openmp);

    /// <summary>Runs one of this repository's peer scripts (bench/peers).</summary>
    public List<JsonObject>? RunOwn(string script, string arguments, bool openmp = false) => RunIn(_own, script, arguments, openmp);

    private List<JsonObject>? RunIn(string? folder, string script, string arguments, bool openmp)
    {
        if (folder is null || !File.Exists(Python)) { Console.Error.WriteLine($"peer skipped: {(folder is null ? "peer scripts not found" : Unavailable)}"); return null; }
        var psi = new ProcessStartInfo(Python, $"{Path.Combine(folder, script)} {arguments}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        psi.Environment["OPENBLAS_CORETYPE"] = CoreType;
        if (openmp) psi.Environment["LD_LIBRARY_PATH"] = OpenMpBlas;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"peer {script} failed ({p.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.TrimStart().StartsWith('{'))
            .Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
