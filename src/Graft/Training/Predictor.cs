using Graft.Autograd;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;

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
    public static Tensor[] Run(Model model, IReadOnlyList<Tensor> inputs, int batchSize, string subject)
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
        if (DataParallelRun.ActiveGroup is { } group)
            return RunParallel(group, model, Batches(inputs, n, batchSize), subject);
        using var noGrad = GradMode.NoGrad();
        // The first batch's outputs give the results' shapes; the results are allocated outside
        // the per-batch scopes so that they outlive them.
        Tensor[]? results = null;
        int[]? ones = null;
        var batch = new Tensor[inputs.Count];
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = TensorScope.Begin();
            int count = Math.Min(batchSize, n - start);
            for (int i = 0; i < batch.Length; i++) batch[i] = inputs[i][start..(start + count)];
            var outputs = model.Call(batch, training: false);
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
        }
        return results!;
    }

    /// <summary>All outputs of <paramref name="model"/> for a sequence of input batches, concatenated along the batch axis.</summary>
    /// <param name="model">The model; built for the first batch's shape if it is not yet built.</param>
    /// <param name="batches">One tensor per model input in each batch; read once, outside the per-batch scopes.</param>
    /// <param name="subject">Names the call in errors.</param>
    public static Tensor[] Run(Model model, IEnumerable<Tensor[]> batches, string subject)
    {
        if (DataParallelRun.ActiveGroup is { } group)
            return RunParallel(group, model, Checked(model, batches, subject), subject);
        List<Tensor>[]? parts = null;
        using var noGrad = GradMode.NoGrad();
        foreach (var batch in Checked(model, batches, subject))
        {
            using var scope = TensorScope.Begin();
            var outputs = model.Call(batch, training: false);
            parts ??= [.. outputs.Select(_ => new List<Tensor>())];
            for (int o = 0; o < outputs.Count; o++) parts[o].Add(scope.Keep(outputs[o]));
        }
        if (parts is null) throw new ArgumentException($"{subject}: expected a dataset with at least one batch, got an empty one.");
        using (TensorScope.Suspend())
            return [.. parts.Select(p => p.Count == 1 ? p[0] : Ops.Concatenate(p))];
    }

    /// <summary>The inputs cut into batches of <paramref name="batchSize"/> samples.</summary>
    private static IEnumerable<Tensor[]> Batches(IReadOnlyList<Tensor> inputs, int n, int batchSize)
    {
        for (int start = 0; start < n; start += batchSize)
        {
            int end = Math.Min(n, start + batchSize);
            yield return [.. inputs.Select(t => t[start..end])];
        }
    }

    /// <summary>The batches, each checked and the model built for the first.</summary>
    private static IEnumerable<Tensor[]> Checked(Model model, IEnumerable<Tensor[]> batches, string subject)
    {
        foreach (var batch in batches)
        {
            if (batch is null || batch.Length != model.InputCount)
                throw new ArgumentException($"{subject}: expected {model.InputCount} input tensor(s) per batch ({string.Join(", ", model.InputNames)}), got {batch?.Length ?? 0}.");
            foreach (var t in batch)
                if (t is null || t.Rank == 0 || t.Shape[0] != batch[0].Shape[0] || t.Shape[0] == 0)
                    throw new ArgumentException($"{subject}: expected batches with samples along the first axis, the same number in every input, got shape {t?.Shape.ToString() ?? "null"}. Batch the dataset (Dataset.Batch) before Predict.");
            model.EnsureBuilt(Layer.BatchShape(batch[0].Shape));
            yield return batch;
        }
    }
}
