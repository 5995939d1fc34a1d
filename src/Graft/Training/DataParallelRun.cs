using Graft.Autograd;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Training;

/// <summary>
/// Data parallelism inside <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> when
/// <see cref="GraftContext.ProcessGroup"/> holds several ranks (Keras's <c>DataParallel</c>, PyTorch's
/// DDP): every rank reads the same data and the same global batches; rank r computes its contiguous
/// share of each batch; gradients are summed over the ranks, weighted by each share, before the
/// optimizer's step, so every rank takes the step one process would take on the whole batch.
/// </summary>
/// <remarks>
/// Rank 0's weights, optimizer state and starting epoch are sent to all before the first step (it alone
/// restores a backup); losses and metrics are computed for the global batch on every rank, from the
/// gathered predictions, so <c>History</c> holds the global values and callbacks decide alike on every
/// rank. BatchNormalization uses each rank's own batch statistics and its moving averages are averaged
/// over the ranks after each step (Keras's default under a mirrored strategy). A failure on one rank
/// aborts all of them through <see cref="IProcessGroup.Abort"/>, since the others would wait for it.
/// </remarks>
internal sealed class DataParallelRun
{
    private readonly Variable[] _statistics;
    private float[]? _statisticsBuffer;

    private DataParallelRun(IProcessGroup group, GradientBuckets? buckets, Variable[] statistics)
    {
        Group = group;
        Buckets = buckets;
        _statistics = statistics;
    }

    /// <summary>The ranks that train together.</summary>
    public IProcessGroup Group { get; }

    /// <summary>Whether this is rank 0, which writes files and shows progress.</summary>
    public bool IsRoot => Group.Rank == 0;

    /// <summary>The gradient buckets of a Fit.</summary>
    public GradientBuckets? Buckets { get; }

    /// <summary>The process group in effect, when it has more than one rank; null trains alone.</summary>
    public static IProcessGroup? ActiveGroup => GraftContext.Current.ProcessGroup is { WorldSize: > 1 } g ? g : null;

    /// <summary>Data parallelism for one Fit, or null when training alone.</summary>
    /// <param name="model">The model.</param>
    /// <param name="state">Its compiled state.</param>
    /// <param name="trained">The weights the optimizer updates.</param>
    public static DataParallelRun? ForFit(Model model, CompileState state, IReadOnlyList<Variable> trained)
    {
        if (ActiveGroup is not { } group) return null;
        // Weights that change in a training step without gradients: the moving statistics of trainable
        // layers (a frozen layer runs in inference mode and keeps its own).
        var statistics = model.Weights.Where(v => !v.Trainable && state.TrainableAtCompile.GetValueOrDefault(v.Owner, v.Owner.Trainable)).ToArray();
        return new DataParallelRun(group, new GradientBuckets(group, trained), statistics);
    }

    /// <summary>Data parallelism for one Evaluate pass, or null alone.</summary>
    public static DataParallelRun? ForEvaluate() => ActiveGroup is { } group ? new DataParallelRun(group, null, []) : null;

    /// <summary>Rows [start, start + count) of a batch of <paramref name="n"/> that rank <paramref name="rank"/> of <paramref name="size"/> computes.</summary>
    public static (int Start, int Count) Share(int n, int rank, int size)
    {
        int start = (int)((long)n * rank / size), end = (int)((long)n * (rank + 1) / size);
        return (start, end - start);
    }

    /// <summary>This rank's share of a global batch, and the share's fraction of the batch.</summary>
    public (DataBatch Local, float Fraction) Shard(DataBatch batch)
    {
        int n = batch.Count;
        var (start, count) = Share(n, Group.Rank, Group.WorldSize);
        Tensor Rows(Tensor t) => t[start..(start + count)];
        var weight = batch.SampleWeight is { } w && w.Shape[0] != n ? Ops.Reshape(w, [n]) : batch.SampleWeight;
        var local = new DataBatch([.. batch.X.Select(Rows)], [.. batch.Y.Select(Rows)], weight is null ? null : Rows(weight));
        return (local, (float)count / n);
    }

    /// <summary>
    /// Makes every rank start where rank 0 starts: its weights (trainable or not), its optimizer's state
    /// (slots, moving averages, gradient accumulators) and step count, and the epoch to begin with (a
    /// restored backup's).
    /// </summary>
    /// <returns>The epoch to begin with.</returns>
    public int BroadcastState(Model model, CompileState state, IReadOnlyList<Variable> trained, int initialEpoch)
    {
        var optimizer = state.Optimizer;
        // The optimizer's whole state per weight: its slots, and the moving average (use_ema) and the
        // gradient accumulator (gradient_accumulation_steps) when it keeps them.
        var tensors = model.Weights.Select(v => v.Value)
            .Concat(trained.SelectMany(v => optimizer.SlotsFor(v)
                .Concat(optimizer.UseEma ? [optimizer.AverageFor(v)] : [])
                .Concat(optimizer.GradientAccumulationSteps is not null ? [optimizer.AccumulatorFor(v)] : [])))
            .ToList();
        long total = tensors.Sum(t => (long)t.Size);
        var buffer = new float[total];
        long at = 0;
        foreach (var t in tensors) { t.CopyTo(0, buffer.AsSpan((int)at, t.Size)); at += t.Size; }
        Group.Broadcast(buffer, 0);
        at = 0;
        using (GradMode.NoGrad())
            foreach (var t in tensors)
            {
                t.Assign(Tensor.FromArray(buffer.AsSpan((int)at, t.Size).ToArray(), t.Shape.ToArray(), t.Device));
                at += t.Size;
            }
        var root = Group.Allgather([initialEpoch, optimizer.AppliedSteps])[0];
        optimizer.AppliedSteps = (long)root[1];
        return (int)root[0];
    }

    /// <summary>The callbacks this rank runs: file writers (checkpoints, logs, backups) on rank 0 only.</summary>
    public void KeepRootOnly(List<Callback> callbacks)
    {
        if (!IsRoot) callbacks.RemoveAll(c => c.WritesFiles);
    }

    /// <summary>Averages the moving statistics (BatchNormalization's) over the ranks, so every replica keeps the same ones.</summary>
    public void AverageStatistics()
    {
        if (_statistics.Length == 0) return;
        int total = _statistics.Sum(v => v.Value.Size);
        var buffer = _statisticsBuffer ??= new float[total];
        int at = 0;
        foreach (var v in _statistics) { v.Value.CopyTo(0, buffer.AsSpan(at, v.Value.Size)); at += v.Value.Size; }
        Group.AllreduceSumAsync(buffer).GetAwaiter().GetResult();
        float inverse = 1f / Group.WorldSize;
        at = 0;
        using (GradMode.NoGrad())
            foreach (var v in _statistics)
            {
                var mean = buffer.AsSpan(at, v.Value.Size).ToArray();
                for (int i = 0; i < mean.Length; i++) mean[i] *= inverse;
                v.Value.Assign(Tensor.FromArray(mean, v.Shape.ToArray(), v.Value.Device));
                at += v.Value.Size;
            }
    }

    /// <summary>The sum over the ranks of <paramref name="local"/>, element by element, in rank order: the same on every rank.</summary>
    public double[] Sum(double[] local)
    {
        var all = Group.Allgather(local);
        var sum = new double[local.Length];
        foreach (var part in all)
            for (int i = 0; i < sum.Length; i++) sum[i] += part[i];
        return sum;
    }

    /// <summary>
    /// The outputs for the whole batch of <paramref name="n"/> samples, from each rank's outputs for its
    /// share (null for an empty share), in rank order: the same tensors on every rank.
    /// </summary>
    public static Tensor[] Gather(IProcessGroup group, IReadOnlyList<Tensor>? local, int outputs, int n, Device device)
    {
        var result = new Tensor[outputs];
        for (int o = 0; o < outputs; o++)
        {
            // Each message starts with the output's per-sample dimensions, so a rank with no samples
            // learns the shape from the others.
            float[] message;
            if (local is null) message = [0];
            else
            {
                var t = local[o];
                var dims = t.Shape.Dims[1..];
                message = new float[1 + dims.Length + t.Size];
                message[0] = dims.Length;
                for (int d = 0; d < dims.Length; d++) message[1 + d] = dims[d];
                t.CopyTo(0, message.AsSpan(1 + dims.Length));
            }
            var parts = group.Allgather(message);
            // An empty share sends the header alone, [0]; any other message is longer.
            var header = parts.First(p => p.Length > 1);
            int dimsCount = (int)header[0];
            int[] shape = [n, .. header.AsSpan(1, dimsCount).ToArray().Select(d => (int)d)];
            var values = new float[parts.Sum(p => p.Length > 1 ? p.Length - 1 - dimsCount : 0)];
            int at = 0;
            foreach (var p in parts)
                if (p.Length > 1)
                {
                    p.AsSpan(1 + dimsCount).CopyTo(values.AsSpan(at));
                    at += p.Length - 1 - dimsCount;
                }
            result[o] = Tensor.FromArray(values, shape, device);
        }
        return result;
    }

    /// <summary>
    /// Rank 0's sample order for a shuffled pass, on every rank: the ranks must cut the same global
    /// batches, whatever their random streams drew before. Alone, <paramref name="order"/> itself.
    /// </summary>
    public static int[] AgreeOrder(int[] order)
    {
        // The indices travel as the bits of floats: a broadcast copies bytes and computes nothing.
        if (ActiveGroup is { } group) group.Broadcast(System.Runtime.InteropServices.MemoryMarshal.Cast<int, float>(order.AsSpan()), 0);
        return order;
    }

    /// <summary>Runs <paramref name="action"/>; if it throws, every rank is stopped (the others would wait for this one forever).</summary>
    public static T Guard<T>(IProcessGroup? group, Func<T> action)
    {
        if (group is null) return action();
        try { return action(); }
        catch (Exception e)
        {
            group.Abort(e);
            throw;
        }
    }
}
