using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>
/// A sequence of elements that can be read again and again (Keras's <c>tf.data.Dataset</c> /
/// <c>PyDataset</c> role): built from tensors or a generator, then transformed with
/// <see cref="Shuffle"/>, <see cref="Map{TOut}"/>, <see cref="Batch"/>, <see cref="Take"/>,
/// <see cref="Skip"/>, <see cref="Repeat"/>, <see cref="Cache"/> and <see cref="Prefetch"/>, each of
/// which returns a new dataset and leaves this one unchanged. <c>Model.Fit</c>, <c>Evaluate</c> and
/// <c>Predict</c> read a batched dataset once per epoch.
/// </summary>
/// <typeparam name="T">
/// The element: a <see cref="Tensor"/>, a tuple of tensors such as <c>(Tensor X, Tensor Y)</c> or
/// <c>(Tensor X, Tensor Y, Tensor SampleWeight)</c>, a <c>Tensor[]</c>, or anything a
/// <see cref="Map{TOut}"/> produces (only tensor elements can be batched).
/// </typeparam>
/// <remarks>
/// Each <see cref="GetEnumerator"/> starts a new pass. Passes of one dataset should not run at the
/// same time from several threads (shuffle and cache keep per-dataset state). Tensors a dataset makes
/// are allocated outside any <see cref="TensorScope"/>, so they outlive the training step that reads them.
/// </remarks>
/// <example><code>
/// var train = Dataset.FromTensorSlices(x, y).Shuffle(1024, seed: 42).Batch(32).Prefetch(Dataset.AutoTune);
/// model.Fit(train, epochs: 4, validationData: Dataset.FromTensorSlices(xv, yv).Batch(32));
/// </code></example>
public abstract class Dataset<T> : IEnumerable<T>
{
    /// <summary>
    /// The number of elements one pass yields (Keras's <c>dataset.cardinality()</c>), or
    /// <see cref="Dataset.Infinite"/> (-1) for an endless dataset, or <see cref="Dataset.Unknown"/> (-2)
    /// when it cannot be told without reading it (a generator, a filter).
    /// </summary>
    public abstract long Cardinality { get; }

    /// <summary>Starts a new pass over the elements.</summary>
    public abstract IEnumerator<T> GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Elements in random order from a buffer of <paramref name="bufferSize"/> (Keras's
    /// <c>shuffle(buffer_size, seed, reshuffle_each_iteration)</c>): the buffer fills with the first
    /// elements, each output is drawn uniformly from it and replaced by the next input. A buffer at least
    /// as large as the dataset gives a uniform permutation.
    /// </summary>
    /// <param name="bufferSize">Elements held at once; memory is bounded by it.</param>
    /// <param name="seed">Makes the orders repeatable; null draws one from the current <see cref="GraftContext"/>'s generator now.</param>
    /// <param name="reshuffleEachIteration">A different order on each pass (default); false repeats the first pass's order.</param>
    /// <exception cref="ArgumentOutOfRangeException">bufferSize is not positive.</exception>
    public Dataset<T> Shuffle(int bufferSize, long? seed = null, bool reshuffleEachIteration = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        return ShuffleWith(bufferSize, new ShuffleSeeds(seed ?? (long)GraftContext.Current.Generator.NextUInt64(), reshuffleEachIteration));
    }

    /// <summary>A shuffle drawing its passes' seeds from <paramref name="seeds"/>, which other shuffles may share to order other elements the same way.</summary>
    internal Dataset<T> ShuffleWith(int bufferSize, ShuffleSeeds seeds) =>
        new DerivedDataset<T>(this, Cardinality, src => Iterators.Shuffle(src, bufferSize, new Generator(seeds.Next())), rewind: seeds.Rewind);

    /// <summary>
    /// Applies <paramref name="map"/> to every element (Keras's <c>dataset.map</c>). With
    /// <paramref name="numParallelCalls"/> above 1 (or <see cref="Dataset.AutoTune"/>: one per core)
    /// that many elements are mapped at once on the thread pool; the output keeps the input's order.
    /// </summary>
    /// <param name="map">The function; it runs on other threads when numParallelCalls is not 1.</param>
    /// <param name="numParallelCalls">Elements mapped at once (default 1: in the reading thread).</param>
    /// <exception cref="ArgumentOutOfRangeException">numParallelCalls is 0 or below -1.</exception>
    public Dataset<TOut> Map<TOut>(Func<T, TOut> map, int numParallelCalls = 1) => MapPure(map, numParallelCalls, pure: false);

    /// <summary>A map; <paramref name="pure"/> says it is a function of the element alone (no randomness), which lets Fit compute frozen layers once over its output.</summary>
    internal Dataset<TOut> MapPure<TOut>(Func<T, TOut> map, int numParallelCalls, bool pure)
    {
        ArgumentNullException.ThrowIfNull(map);
        int parallel = Dataset.Parallelism(numParallelCalls, nameof(numParallelCalls));
        return new MapDataset<T, TOut>(this, map, parallel, pure);
    }

    /// <summary>
    /// Consecutive elements stacked into batches along a new first axis (Keras's <c>dataset.batch</c>):
    /// each tensor of the element is stacked with the same tensor of the others.
    /// </summary>
    /// <param name="batchSize">Elements per batch.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than batchSize (default keeps it).</param>
    /// <exception cref="ArgumentOutOfRangeException">batchSize is not positive.</exception>
    /// <exception cref="NotSupportedException">The element type is not a tensor, a tuple of tensors or a tensor array.</exception>
    /// <exception cref="ArgumentException">While reading: elements of a batch differ in shape.</exception>
    public Dataset<T> Batch(int batchSize, bool dropRemainder = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var stacker = Stacker<T>.Get("Dataset.Batch");
        long n = Cardinality;
        long batches = n < 0 ? n : dropRemainder ? n / batchSize : (n + batchSize - 1) / batchSize;
        return new DerivedDataset<T>(this, batches, src => Iterators.Batch(src, batchSize, dropRemainder, stacker));
    }

    /// <summary>The first <paramref name="count"/> elements (Keras's <c>take</c>); -1 takes all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count is below -1.</exception>
    public Dataset<T> Take(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, -1);
        if (count == -1) return this;
        long n = Cardinality;
        long card = n == Dataset.Infinite ? count : n < 0 ? Dataset.Unknown : Math.Min(n, count);
        return new DerivedDataset<T>(this, card, src => Enumerable.Take(src, checked((int)Math.Min(count, int.MaxValue))));
    }

    /// <summary>All but the first <paramref name="count"/> elements (Keras's <c>skip</c>); -1 skips all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count is below -1.</exception>
    public Dataset<T> Skip(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, -1);
        long n = Cardinality;
        if (count == -1) return new DerivedDataset<T>(this, n == Dataset.Infinite ? Dataset.Unknown : 0, _ => []);
        long card = n < 0 ? n : Math.Max(0, n - count);
        return new DerivedDataset<T>(this, card, src => Iterators.Skip(src, count));
    }

    /// <summary>The dataset read <paramref name="count"/> times in a row (Keras's <c>repeat</c>); null repeats forever.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count is negative.</exception>
    public Dataset<T> Repeat(int? count = null)
    {
        if (count is int c) ArgumentOutOfRangeException.ThrowIfNegative(c);
        long n = Cardinality;
        long card = count is null ? (n == 0 ? 0 : Dataset.Infinite) : n < 0 ? n : n * count.Value;
        return new DerivedDataset<T>(this, card, src => Iterators.Repeat(src, count));
    }

    /// <summary>
    /// Keeps the elements of the first complete pass in memory and replays them on later passes
    /// (Keras's <c>cache()</c>): decoding, or a random map before it, happens once. A pass left
    /// unfinished caches nothing.
    /// </summary>
    public Dataset<T> Cache()
    {
        var cache = new ElementCache<T>();
        return new DerivedDataset<T>(this, Cardinality, cache.Read, rebuild: src => src.Cache());
    }

    /// <summary>
    /// Reads ahead on a background thread, up to <paramref name="bufferSize"/> elements (Keras's
    /// <c>prefetch</c>), so that producing the next batch (decoding, augmenting) overlaps training on
    /// this one. Memory is bounded by the buffer; an error while producing is thrown by the reader, and
    /// abandoning a pass stops the thread.
    /// </summary>
    /// <param name="bufferSize">Elements read ahead; <see cref="Dataset.AutoTune"/> picks 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">bufferSize is 0 or below -1.</exception>
    public Dataset<T> Prefetch(int bufferSize = Dataset.AutoTune)
    {
        if (bufferSize != Dataset.AutoTune) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        int size = bufferSize == Dataset.AutoTune ? 2 : bufferSize;
        return new DerivedDataset<T>(this, Cardinality, src => Iterators.Prefetch(src, size));
    }

    /// <summary>
    /// This dataset with its element source replaced, when the stages above the source only reorder,
    /// group or buffer elements (shuffle, batch, take, skip, repeat, cache, prefetch) and the source
    /// gives the same elements on every pass; null otherwise. Fit uses it to compute frozen layers once.
    /// </summary>
    internal virtual Dataset<T>? ReplaceSource(Func<Dataset<T>, Dataset<T>?> replace) => null;

    /// <summary>
    /// Makes the shuffles of this pipeline give their last pass's orders again on the next pass (see
    /// <c>ShuffleSeeds.Rewind</c>): Fit calls it when a pass it opened to look at the first batch is dropped.
    /// </summary>
    internal virtual void RewindShuffles() { }

    /// <summary>True when every pass gives the same elements in the same order (in-memory slices, a collection, a pure map of those).</summary>
    internal virtual bool IsStable => false;
}
