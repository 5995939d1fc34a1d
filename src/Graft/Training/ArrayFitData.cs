using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Training;

/// <summary>In-memory arrays, cut into batches of <c>batchSize</c> samples, in a new random order per pass when shuffling.</summary>
internal sealed class ArrayFitData(Tensor[] x, Tensor[] y, Tensor? sampleWeight, int batchSize) : FitData
{
    public Tensor[] X { get; } = x;
    public Tensor[] Y { get; } = y;
    public Tensor? SampleWeight { get; } = sampleWeight;
    public int Samples => X[0].Shape[0];

    public override int? Steps => (Samples + batchSize - 1) / batchSize;

    public override DataBatch Peek() => new(X, Y, SampleWeight);

    public override IEnumerable<Func<DataBatch>> Pass(bool shuffle)
    {
        int n = Samples;
        var order = shuffle ? DataParallelRun.AgreeOrder(GraftContext.Current.Generator.Permutation(n)) : null;
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start), s = start;
            if (order is null)
                yield return () => new DataBatch([.. X.Select(t => t[s..(s + count)])], [.. Y.Select(t => t[s..(s + count)])], SampleWeight?[s..(s + count)]);
            else
            {
                var idx = order.AsSpan(s, count).ToArray();
                yield return () => new DataBatch([.. X.Select(t => Ops.Gather(t, idx))], [.. Y.Select(t => Ops.Gather(t, idx))],
                    SampleWeight is { } w ? Ops.Gather(w, idx) : null);
            }
        }
    }

    public override FitData? WithFeatures(FrozenPrefix prefix, ref long budget)
    {
        long need = prefix.FloatsPerSample * Samples;
        if (X.Length != 1 || need > budget) return null;
        budget -= need;
        return new ArrayFitData([prefix.Features(X[0])], Y, SampleWeight, batchSize) { Forward = prefix.Top };
    }
}
