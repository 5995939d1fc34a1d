using Graft.Autograd;
using Graft.Datasets;
using Graft.Tensors;

namespace Graft.Training;

/// <summary>A batched dataset, read once per pass; <paramref name="toBatch"/> turns an element into a step's data.</summary>
internal sealed class DatasetFitData<T>(Dataset<T> dataset, Func<T, DataBatch> toBatch, string subject) : FitData
{
    private readonly long _cardinality = dataset.Cardinality == Dataset.Infinite
        ? throw new ArgumentException($"{subject}: expected a finite dataset, got an endless one (Repeat() without a count). Take(n) the steps of one epoch.")
        : dataset.Cardinality;

    // The pass Peek started, which the next Pass continues: a pass of its own would read (decode,
    // augment) a batch or two more per Fit only to look at the first one, and draw a shuffle order.
    private IEnumerator<T>? _peeked;

    public override int? Steps => _cardinality >= 0 ? (int)_cardinality : null;

    public override DataBatch Peek()
    {
        if (_peeked is null)
        {
            var e = dataset.GetEnumerator();
            if (!e.MoveNext())
            {
                e.Dispose();
                throw new ArgumentException($"{subject}: expected a dataset with at least one batch, got an empty one.");
            }
            _peeked = e;
        }
        return toBatch(_peeked.Current);
    }

    public override IEnumerable<Func<DataBatch>> Pass(bool shuffle)
    {
        // A dataset shuffles itself (Dataset.Shuffle); Fit's shuffle argument applies to arrays only, as in Keras.
        var peeked = Interlocked.Exchange(ref _peeked, null);
        using var e = peeked ?? dataset.GetEnumerator();
        if (peeked is not null)
        {
            var first = e.Current;
            yield return () => toBatch(first);
        }
        while (e.MoveNext())
        {
            var element = e.Current;
            yield return () => toBatch(element);
        }
    }

    public override void Dispose() => Interlocked.Exchange(ref _peeked, null)?.Dispose();

    public override FitData? WithFeatures(FrozenPrefix prefix, ref long budget)
    {
        long left = budget;
        var replaced = dataset.ReplaceSource(source => Features(source, prefix, ref left));
        if (replaced is null) return null;
        budget = left;
        // Training reads the features instead of the pass Peek opened: end it, and give its shuffle
        // orders to the features' first epoch, so the frozen base's cache leaves the results as they were.
        if (Interlocked.Exchange(ref _peeked, null) is { } peeked)
        {
            peeked.Dispose();
            dataset.RewindShuffles();
        }
        return new DatasetFitData<T>(replaced, toBatch, subject) { Forward = prefix.Top };
    }

    /// <summary>
    /// The source's elements with their first tensor (the input sample) replaced by the frozen layers'
    /// output, computed once; null when the source's elements are not single samples of tensors.
    /// </summary>
    private static Dataset<T>? Features(Dataset<T> source, FrozenPrefix prefix, ref long budget)
    {
        if (ElementParts<T>.Decompose is not { } decompose || ElementParts<T>.Compose is not { } compose) return null;
        long n = source.Cardinality;
        if (n <= 0 || prefix.FloatsPerSample * n > budget) return null;
        Tensor[] components;
        if (source is TensorSlicesDataset<T> slices)
        {
            // Slices of a rank-r tensor are samples when the model's input has rank r (batch axis included).
            if (slices.Components[0].Rank != prefix.InputRank) return null;
            components = [prefix.Features(slices.Components[0]), .. slices.Components[1..]];
        }
        else
        {
            // A pure map (decoding files): read it once, a chunk of samples at a time, keeping only features and targets.
            var features = new List<Tensor>();
            List<Tensor>[]? rest = null;
            var chunk = new List<Tensor>(256);
            foreach (var element in source)
            {
                var parts = decompose(element);
                if (parts[0].Rank != prefix.InputRank - 1) return null;
                rest ??= [.. parts.Skip(1).Select(_ => new List<Tensor>())];
                for (int i = 1; i < parts.Length; i++) rest[i - 1].Add(parts[i]);
                chunk.Add(parts[0]);
                if (chunk.Count == 256) { features.Add(prefix.Features(Stack(chunk))); chunk.Clear(); }
            }
            if (chunk.Count > 0) features.Add(prefix.Features(Stack(chunk)));
            if (features.Count == 0) return null;
            using (TensorScope.Suspend())
            using (GradMode.NoGrad())
                components = [Ops.Concatenate(features), .. rest!.Select(r => Ops.Stack(r))];
        }
        budget -= prefix.FloatsPerSample * components[0].Shape[0];
        return new TensorSlicesDataset<T>(components, compose, "FromTensorSlices");
    }

    private static Tensor Stack(List<Tensor> samples)
    {
        using (TensorScope.Suspend())
        using (GradMode.NoGrad())
            return Ops.Stack(samples);
    }
}
