using System.Runtime.ExceptionServices;
using Graft.Datasets;
using Graft.Tensors;

namespace Graft.Vision;

/// <summary>
/// The batches of an <see cref="ImageDataset"/>: each pass reads the (path, label) pairs of
/// <paramref name="order"/> (shuffled there) a batch at a time and decodes the batch's images on
/// several threads straight into the batch's tensor. The same batches as decoding each image to a
/// tensor and stacking them (<c>Map</c>, then <c>Batch</c>), without the per-image tensors and the
/// copy of the stack, which cost as much memory traffic as the resize.
/// </summary>
/// <param name="order">The files and labels, in each pass's order.</param>
/// <param name="count">How many files a pass reads.</param>
/// <param name="batchSize">Images per batch; the last batch holds the rest.</param>
/// <param name="imageShape">(height, width, channels) of every decoded image.</param>
/// <param name="decodeInto">Decodes one file into its slot of the batch.</param>
/// <param name="labels">The label tensor of a batch's labels.</param>
internal sealed class ImageBatches(Dataset<(string Path, int Label)> order, int count, int batchSize, int[] imageShape,
    Action<string, Span<float>> decodeInto, Func<int[], Tensor> labels) : Dataset<(Tensor X, Tensor Y)>
{
    private readonly int _imageSize = imageShape.Aggregate(1, (a, b) => a * b);

    public override long Cardinality => (count + batchSize - 1) / batchSize;

    public override IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        var chunk = new List<(string Path, int Label)>(batchSize);
        foreach (var item in order)
        {
            chunk.Add(item);
            if (chunk.Count < batchSize) continue;
            yield return Decode(chunk);
            chunk.Clear();
        }
        if (chunk.Count > 0) yield return Decode(chunk);
    }

    private (Tensor X, Tensor Y) Decode(List<(string Path, int Label)> chunk)
    {
        int n = chunk.Count;
        // Every value is written by a decode: no need to clear it first.
        var batch = GC.AllocateUninitializedArray<float>(n * _imageSize);
        int threads = Math.Min(n, Environment.ProcessorCount), next = -1, firstFailed = int.MaxValue;
        Exception? failure = null;
        void Work()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < n;)
            {
                try { decodeInto(chunk[i].Path, batch.AsSpan(i * _imageSize, _imageSize)); }
                catch (Exception e)
                {
                    // The error of the first file in the batch that failed, whatever the thread count.
                    lock (chunk) if (i < firstFailed) (firstFailed, failure) = (i, e);
                }
            }
        }
        var helpers = new Task[threads - 1];
        for (int t = 0; t < helpers.Length; t++) helpers[t] = Task.Run(Work);
        Work();
        Task.WaitAll(helpers);
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        int[] shape = [n, .. imageShape];
        return (Tensor.Wrap(batch, new Shape(shape)), labels(chunk.Select(c => c.Label).ToArray()));
    }
}
