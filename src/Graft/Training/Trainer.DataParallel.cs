using Graft.Autograd;
using Graft.Layers;
using Graft.Metrics;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Training;

// The data-parallel step and evaluation batch (see DataParallelRun): the same loss, gradients and
// metrics as one process on the whole batch, each rank computing its share.
internal sealed partial class Trainer
{
    /// <summary>The training loop over any batches: arrays or a dataset; with a process group, every rank stops when one fails.</summary>
    public History Fit(FitData train, FitData? validation, int epochs, bool shuffle, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch, string subject) =>
        DataParallelRun.Guard(DataParallelRun.ActiveGroup, () => RunFit(train, validation, epochs, shuffle, callbacks, verbose, initialEpoch, subject));

    private int TrainStepParallel(DataParallelRun parallel, Func<IReadOnlyList<Tensor>, bool, IReadOnlyList<Tensor>> forward, Func<DataBatch> next,
        IReadOnlyList<Variable> trained, MeanMetric[] trackers, string subject)
    {
        using var scope = TensorScope.Begin();
        var batch = next();
        CheckBatch(batch, subject);
        var (local, fraction) = parallel.Shard(batch);
        var (pred, losses, loss) = LocalLoss(local, fraction, forward, training: true, trackers.Length);
        // Every rank takes the step (the same decision everywhere), even one whose share is empty.
        if (trained.Count > 0)
        {
            parallel.Buckets!.Reduce(loss is { RequiresGrad: true } ? loss : null, fraction);
            state.Optimizer.Apply(trained);
            foreach (var v in trained) v.Value.ZeroGrad();
            parallel.AverageStatistics();
        }
        UpdateGlobal(parallel, batch, pred, losses, trackers, state.OutputMetrics, state.WeightedOutputMetrics);
        return batch.Count;
    }

    private void EvaluateBatchParallel(DataParallelRun parallel, DataBatch batch, Func<IReadOnlyList<Tensor>, bool, IReadOnlyList<Tensor>> forward,
        MeanMetric[] trackers, List<Metric>[] metrics, List<Metric>[] weighted) =>
        DataParallelRun.Guard(parallel.Group, () =>
        {
            var (local, fraction) = parallel.Shard(batch);
            var (pred, losses, _) = LocalLoss(local, fraction, forward, training: false, trackers.Length);
            UpdateGlobal(parallel, batch, pred, losses, trackers, metrics, weighted);
            return 0;
        });

    /// <summary>This rank's predictions and loss for its share, and the losses times the share's fraction (zeros for an empty share).</summary>
    private (IReadOnlyList<Tensor>? Pred, double[] Losses, Tensor? Loss) LocalLoss(DataBatch local, float fraction,
        Func<IReadOnlyList<Tensor>, bool, IReadOnlyList<Tensor>> forward, bool training, int trackers)
    {
        var losses = new double[trackers];
        if (local.Count == 0) return (null, losses, null);
        var pred = forward(local.X, training);
        var (loss, perOutput) = TotalLoss(local, pred);
        losses[0] = fraction * (double)loss.Item();
        for (int o = 0; o < perOutput.Length; o++) losses[o + 1] = fraction * (double)perOutput[o].Item();
        return (pred, losses, loss);
    }

    /// <summary>The global batch's losses (the ranks' fractions summed) and metrics (on the gathered predictions), the same on every rank.</summary>
    private void UpdateGlobal(DataParallelRun parallel, DataBatch batch, IReadOnlyList<Tensor>? pred, double[] losses,
        MeanMetric[] trackers, List<Metric>[] metrics, List<Metric>[] weighted)
    {
        var sums = parallel.Sum(losses);
        for (int k = 0; k < trackers.Length; k++) trackers[k].Update(sums[k], batch.Count);
        if (metrics.All(m => m.Count == 0) && weighted.All(m => m.Count == 0)) return;
        var all = DataParallelRun.Gather(parallel.Group, pred, model.OutputCount, batch.Count, batch.X[0].Device);
        UpdateMetrics(metrics, weighted, batch, all);
    }
}
