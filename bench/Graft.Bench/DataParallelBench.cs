using System.Diagnostics;
using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Distributed;
using Graft.Losses;
using Graft.Tensors;
using Graft.Training;

namespace Graft.Bench;

/// <summary>
/// Data-parallel communication for ResNet18's 11.7M parameters, under <c>mpirun -np N</c>: the time a
/// step spends summing the gradients over the ranks (in the buckets Fit uses), the backward pass
/// alone, and both together as Fit runs them, gradients leaving in buckets while backpropagation goes
/// on. Case dp_allreduce_resnet18: milliseconds of allreduce per step; its fields give the part of it
/// hidden behind the backward pass (overlap), the part the step waited for (exposed), and the bus
/// bandwidth 2(N−1)/N × gradient bytes / allreduce time, and what the allreduce added to the step, the figure the README's cost model starts
/// from. Each rank computes a share of 8 images at 112×112 (the parameter count does not depend on
/// the image size). Rank 0 reports.
/// </summary>
internal static class DataParallelBench
{
    private const int PerRank = 8, Size = 112;

    public static void Run(Report report, BenchOptions options)
    {
        using var world = DataParallel.FromMpi();
        int reps = options.Quick ? 3 : 7;
        // Each rank has its share of the cores: kernel threads beyond it would only fight the other ranks.
        GraftContext.Current.Threads = Math.Max(1, Environment.ProcessorCount / world.WorldSize);
        GraftContext.Current.SetSeed(world.Rank);
        var g = new Generator(world.Rank);
        var x = Tensor.RandomNormal([PerRank, Size, Size, 3], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, PerRank).Select(_ => (float)g.NextInt(1000)).ToArray(), PerRank);
        var (model, _) = ResNets.Build(18, Size);
        var trained = model.TrainableWeights;
        foreach (var v in trained) v.Value.RequiresGrad = true;
        long parameters = trained.Sum(v => (long)v.Value.Size);
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        var buckets = new GradientBuckets(world, trained);

        Tensor Forward() => loss.Objective(y, model.Call([x], training: true)[0]);

        // The sums alone, in Fit's buckets: every bucket sent, then all awaited.
        var flat = buckets.Members.Length;
        var buffers = BucketBuffers(trained, buckets);
        var comm = Median(reps, () =>
        {
            var sent = buffers.Select(b => world.AllreduceSumAsync(b)).ToArray();
            Task.WaitAll(sent);
        });
        // The backward pass alone (one process's step).
        var backward = Median(reps, () =>
        {
            using var scope = TensorScope.Begin();
            var l = Forward();
            var clock = Stopwatch.StartNew();
            l.Backward();
            clock.Stop();
            foreach (var v in trained) v.Value.ZeroGrad();
            return clock.Elapsed.TotalMilliseconds;
        });
        // Both, as Fit runs them.
        var waits = new List<double>();
        var together = Median(reps, () =>
        {
            using var scope = TensorScope.Begin();
            var l = Forward();
            buckets.Reduce(l, 1f / world.WorldSize);
            foreach (var v in trained) v.Value.ZeroGrad();
            waits.Add(buckets.LastWait.TotalMilliseconds);
            return (buckets.LastBackward + buckets.LastWait).TotalMilliseconds;
        });
        waits.Sort();
        double exposed = waits[waits.Count / 2];
        // Two views of overlap: the share of the allreduce the step did not wait for once its backward
        // pass ended, and what the allreduce added to the step beyond the backward pass alone (on a
        // machine whose cores the ranks share, the communication thread slows the backward pass).
        double hidden = Math.Clamp(1 - exposed / comm, 0, 1);
        double added = together - backward;
        double bytes = parameters * 4.0;
        double busGbps = 2.0 * (world.WorldSize - 1) / world.WorldSize * bytes * 8 / (comm / 1000) / 1e9;
        if (world.Rank != 0) return;
        report.Note($"{world.WorldSize} ranks, {parameters:N0} parameters in {flat} buckets: allreduce {comm:F1} ms, backward {backward:F1} ms, both {together:F1} ms (exposed {exposed:F1} ms)");
        report.Add("dp_allreduce_resnet18", comm, null, "ms/step allreduce", "-", new JsonObject
        {
            ["world_size"] = world.WorldSize,
            ["parameters"] = parameters,
            ["gradient_mb"] = Math.Round(bytes / (1 << 20), 1),
            ["buckets"] = flat,
            ["backward_ms"] = Math.Round(backward, 1),
            ["backward_with_allreduce_ms"] = Math.Round(together, 1),
            ["exposed_ms"] = Math.Round(exposed, 1),
            ["overlap"] = Math.Round(hidden, 3),
            ["step_added_ms"] = Math.Round(added, 1),
            ["bus_gbit_per_s"] = Math.Round(busGbps, 2),
        });
    }

    private static float[][] BucketBuffers(IReadOnlyList<Graft.Layers.Variable> trained, GradientBuckets buckets)
    {
        // The same sizes as the real buckets: each weight's floats plus its flag.
        var reversed = trained.Reverse().ToArray();
        var result = new float[buckets.Members.Length][];
        int at = 0;
        for (int b = 0; b < result.Length; b++)
        {
            int size = reversed.Skip(at).Take(buckets.Members[b]).Sum(v => v.Value.Size) + buckets.Members[b];
            result[b] = new float[size];
            at += buckets.Members[b];
        }
        return result;
    }

    private static double Median(int reps, Action action) => Median(reps, () =>
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    });

    private static double Median(int reps, Func<double> measure)
    {
        measure(); // warm-up
        var times = Enumerable.Range(0, reps).Select(_ => measure()).Order().ToList();
        return times[times.Count / 2];
    }
}
