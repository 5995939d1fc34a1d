using Graft.Models;
using Graft.Tensors;

namespace Graft.Training;

// Predict with a process group: each rank computes its share of every batch and the outputs are
// gathered, so every rank returns the whole result (Keras's DataParallel predict). Predict is then
// a collective operation: every rank calls it alike, and not from several threads at once.
internal static partial class Predictor
{
    /// <summary>The outputs for one batch in inference mode: the model's, or with a process group, each rank's share gathered in rank order.</summary>
    private static IReadOnlyList<Tensor> Call(Model model, Tensor[] batch)
    {
        if (DataParallelRun.ActiveGroup is not { } group) return model.Call(batch, training: false);
        return DataParallelRun.Guard(group, () =>
        {
            int n = batch[0].Shape[0];
            var (start, count) = DataParallelRun.Share(n, group.Rank, group.WorldSize);
            var local = count == 0 ? null : model.Call([.. batch.Select(t => t[start..(start + count)])], training: false);
            return DataParallelRun.Gather(group, local, model.OutputCount, n, batch[0].Device);
        });
    }
}
