using Graft.Autograd;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;
using Graft.Training.Callbacks;

namespace Graft.Training;

/// <summary>
/// The loop behind <c>Predict</c>: runs a model in inference mode over its inputs in batches,
/// without gradients, and gathers every output. It touches no model state except a first build,
/// which is locked, so several threads may predict with one model at once.
/// </summary>
internal static partial class Predictor
{
    /// <summary>All outputs of <paramref name="model"/>, in order, for its inputs.</summary>
    /// <param name="model">The model; built for the first input's shape if it is not yet built.</param>
    /// <param name="inputs">One tensor per model input, in order, samples along the first axis.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="subject">Names the call in errors, e.g. <c>Model 'm'.Predict</c>.</param>
    /// <param name="callbacks">Callbacks whose predict hooks see each batch.</param>
    /// <param name="verbose">0 silent, 1 a progress bar, 2 one line.</param>
    public static Tensor[] Run(Model model, IReadOnlyList<Tensor> inputs, int batchSize, string subject, IEnumerable<Callback>? callbacks = null, int verbose = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (inputs.Count == 0) throw new ArgumentException($"{subject}: expected at least one input tensor, got none.");
        for (int i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i]);
            string name = inputs.Count == 1 ? "x" : $"input {i}";
            if (inputs[i].Rank == 0 || inputs[i].Shape[0] == 0)
                throw new ArgumentException($"{subject}: expected at least one sample, got {name} of shape {inputs[i].Shape}.");
            if (inputs[i].Shape[0] != inputs[0].Shape[0])
                throw new ArgumentException($"{subject}: expected the same number of samples in every input, got {inputs[0].Shape[0]} in input 0 and {inputs[i].Shape[0]} in input {i}.");
        }
        model.EnsureBuilt(Layer.BatchShape(inputs[0].Shape));
        int n = inputs[0].Shape[0];
        var hooks = Trainer.Callbacks(model, callbacks, verbose, (int)(((long)n + batchSize - 1) / batchSize));
        var empty = new Dictionary<string, double>();
        foreach (var c in hooks) c.OnPredictBegin(empty);
        using var noGrad = GradMode.NoGrad();
        // The first batch's outputs give the results' shapes; the results are allocated outside
        // the per-batch scopes so that they outlive them.
        Tensor[]? results = null;
        int[]? ones = null;
        var batch = new Tensor[inputs.Count];
        for (int start = 0, step = 0; start < n; start += batchSize, step++)
        {
            foreach (var c in hooks) c.OnPredictBatchBegin(step, empty);
            using var scope = TensorScope.Begin();
            int count = Math.Min(batchSize, n - start);
            for (int i = 0; i < batch.Length; i++) batch[i] = inputs[i][start..(start + count)];
            var outputs = Call(model, batch);
            if (results is null)
            {
                using (TensorScope.Suspend()) results = outputs.Select(o => Tensor.Zeros([n, .. o.Shape.Dims[1..]], o.Device)).ToArray();
                ones = Enumerable.Repeat(1, results.Max(r => r.Rank)).ToArray();
            }
            for (int o = 0; o < outputs.Count; o++)
            {
                var starts = new int[results[o].Rank];
                starts[0] = start;
                results[o].Backend.SliceScatterAdd(outputs[o], starts, ones![..results[o].Rank], results[o]);
            }
            foreach (var c in hooks) c.OnPredictBatchEnd(step, empty);
        }
        foreach (var c in hooks) c.OnPredictEnd(empty);
        return results!;
    }

    /// <summary>All outputs of <paramref name="model"/> for a sequence of input batches, concatenated along the batch axis.</summary>
    /// <param name="model">The model; built for the first batch's shape if it is not yet built.</param>
    /// <param name="batches">One tensor per model input in each batch; read once, outside the per-batch scopes.</param>
    /// <param name="subject">Names the call in errors.</param>
    /// <param name="callbacks">Callbacks whose predict hooks see each batch.</param>
    /// <param name="verbose">0 silent, 1 a progress bar, 2 one line.</param>
    public static Tensor[] Run(Model model, IEnumerable<Tensor[]> batches, string subject, IEnumerable<Callback>? callbacks = null, int verbose = 0)
    {
        List<Tensor>[]? parts = null;
        using var noGrad = GradMode.NoGrad();
        List<Callback>? hooks = null;
        var empty = new Dictionary<string, double>();
        int step = 0;
        foreach (var batch in batches)
        {
            if (batch is null || batch.Length != model.InputCount)
                throw new ArgumentException($"{subject}: expected {model.InputCount} input tensor(s) per batch ({string.Join(", ", model.InputNames)}), got {batch?.Length ?? 0}.");
            foreach (var t in batch)
                if (t is null || t.Rank == 0 || t.Shape[0] != batch[0].Shape[0] || t.Shape[0] == 0)
                    throw new ArgumentException($"{subject}: expected batches with samples along the first axis, the same number in every input, got shape {t?.Shape.ToString() ?? "null"}. Batch the dataset (Dataset.Batch) before Predict.");
            model.EnsureBuilt(Layer.BatchShape(batch[0].Shape));
            if (hooks is null)
            {
                // A dataset's length is unknown: the bar counts steps until the pass ends.
                hooks = Trainer.Callbacks(model, callbacks, verbose, null);
                foreach (var c in hooks) c.OnPredictBegin(empty);
            }
            foreach (var c in hooks) c.OnPredictBatchBegin(step, empty);
            using (var scope = TensorScope.Begin())
            {
                var outputs = Call(model, batch);
                parts ??= [.. outputs.Select(_ => new List<Tensor>())];
                for (int o = 0; o < outputs.Count; o++) parts[o].Add(scope.Keep(outputs[o]));
            }
            foreach (var c in hooks) c.OnPredictBatchEnd(step++, empty);
        }
        if (parts is null) throw new ArgumentException($"{subject}: expected a dataset with at least one batch, got an empty one.");
        foreach (var c in hooks!) c.OnPredictEnd(empty);
        using (TensorScope.Suspend())
            return [.. parts.Select(p => p.Count == 1 ? p[0] : Ops.Concatenate(p))];
    }
}
