using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Graft.Losses;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Bench;

/// <summary>
/// Case resnet18_train_memory: the peak resident memory of a fresh process that builds ResNet18 and
/// runs training steps at batch 16 (SGD momentum, BatchNorm in training mode), against PyTorch's
/// doing the same (bench/peers/torch_resnet.py, case resnet18_train_memory), both read as the
/// kernel's high-water mark of the process's own address space (Linux VmHWM; not ru_maxrss, which
/// after fork + exec still holds the bench's own peak), best
/// of the rounds. Each side runs in its own process so that nothing else the bench did counts.
/// The child also reports the managed memory in use after the steps and the part of it the buffer
/// pool holds free for the next step (tensors live in pooled managed arrays, so the pool's free
/// buffers are the step's working set; the rest of the managed memory is weights, optimizer slots
/// and the data; what RSS has beyond the managed memory is the runtime's own). The GC's heap size is
/// not reported: it is that of the last collection, which a training loop that allocates nothing
/// after its first step does not trigger again.
/// </summary>
internal static class ResNetMemoryBench
{
    public const string ChildFlag = "--resnet-memory-child";
    private const int Batch = 16, Size = 224, Steps = 3;

    /// <summary>The child: Steps training steps; prints peak RSS, the managed bytes in use and the pool's free bytes, in MiB.</summary>
    public static void Child()
    {
        GraftContext.Current.SetSeed(0);
        var g = new Generator(0);
        var x = Tensor.RandomNormal([Batch * Steps, Size, Size, 3], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, Batch * Steps).Select(_ => (float)g.NextInt(1000)).ToArray(), Batch * Steps);
        var (model, _) = ResNets.Build(18);
        model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new SGD(0.01, momentum: 0.9));
        model.Fit(x, y, batchSize: Batch, epochs: 1, verbose: 0);
        Console.WriteLine(string.Join(' ', new[] { PeakRssMiB(), GC.GetTotalMemory(false) / 1048576.0, BufferPool.Current.RetainedBytes / 1048576.0 }
            .Select(v => v.ToString("F1", CultureInfo.InvariantCulture))));
    }

    /// <summary>The process's peak resident set (VmHWM) in MiB, or its peak working set where /proc is absent.</summary>
    private static double PeakRssMiB()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    public static void Run(Report report, Peers peers, int rounds)
    {
        string dll = typeof(ResNetMemoryBench).Assembly.Location;
        double graft = double.MaxValue, managed = 0, pool = 0;
        double? peer = null;
        for (int round = 0; round < rounds; round++)
        {
            var line = peers.RunOwn("torch_resnet.py", $"--cases resnet18_train_memory --batch {Batch} --size {Size}", openmp: true)?
                .FirstOrDefault(l => l["case"]?.ToString() == "resnet18_train_memory");
            if (line is not null) peer = Math.Min(peer ?? double.MaxValue, line["torch"]!.GetValue<double>());
            var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" {ChildFlag}") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var values = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            if (values[0] < graft) (graft, managed, pool) = (values[0], values[1], values[2]);
        }
        report.Add("resnet18_train_memory", graft, peer, "MiB peak RSS (lower is better)", "pytorch torchvision channels-last", new JsonObject
        {
            ["graft_managed_mib"] = Math.Round(managed, 1),
            ["graft_pool_free_mib"] = Math.Round(pool, 1),
            ["steps"] = Steps,
            ["rounds"] = rounds,
            ["note"] = $"fresh process each: build ResNet18, {Steps} training steps at batch {Batch}; peak resident set (VmHWM)",
        });
    }
}
