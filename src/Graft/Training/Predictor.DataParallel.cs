using Graft.Autograd;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Training;

// Predict with a process group: each rank computes its share of every batch and the outputs are
// gathered, so every rank returns the whole result (Keras's DataParallel predict).
internal static partial class Predictor
{
    /// <summary>All outputs for the batches, each batch split between the ranks of <paramref name="group"/> and gathered back in order.</summary>
    private static Tensor[] RunParallel(IProcessGroup group, Model model, IEnumerable<Tensor[]> batches, string subject) =>
        DataParallelRun.Guard(group, () =>
        {
            List<Tensor>[]? parts = null;
            using var noGrad = GradMode.NoGrad();
            foreach (var batch in batches)
            {
                using var scope = TensorScope.Begin();
                int n = batch[0].Shape[0];
                var (start, count) = DataParallelRun.Share(n, group.Rank, group.WorldSize);
                var local = count == 0 ? null : model.Call([.. batch.Select(t => t[start..(start + count)])], training: false);
                var all = DataParallelRun.Gather(group, local, model.OutputCount, n, batch[0].Device);
                parts ??= [.. all.Select(_ => new List<Tensor>())];
                for (int o = 0; o < all.Length; o++) parts[o].Add(scope.Keep(all[o]));
            }
            if (parts is null) throw new ArgumentException($"{subject}: expected a dataset with at least one batch, got an empty one.");
            using (TensorScope.Suspend())
                return parts.Select(p => p.Count == 1 ? p[0] : Ops.Concatenate(p)).ToArray();
        });
}
