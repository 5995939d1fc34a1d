using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>
/// Makes datasets (Keras's <c>tf.data.Dataset.from_tensor_slices</c>, <c>from_generator</c>) and
/// holds their constants. See <see cref="Dataset{T}"/> for the transformations.
/// </summary>
public static class Dataset
{
    /// <summary>The cardinality of an endless dataset (Keras's <c>tf.data.INFINITE_CARDINALITY</c>).</summary>
    public const long Infinite = -1;

    /// <summary>The cardinality of a dataset whose length is not known before reading it (Keras's <c>tf.data.UNKNOWN_CARDINALITY</c>).</summary>
    public const long Unknown = -2;

    /// <summary>Lets Graft choose a parallelism or buffer size (Keras's <c>tf.data.AUTOTUNE</c>).</summary>
    public const int AutoTune = -1;

    /// <summary>One element per slice of <paramref name="x"/> along its first axis.</summary>
    /// <exception cref="ArgumentException">x is a scalar.</exception>
    public static Dataset<Tensor> FromTensorSlices(Tensor x) =>
        new TensorSlicesDataset<Tensor>([x], c => c[0], "FromTensorSlices");

    /// <summary>One <c>(x, y)</c> element per sample: slices of x and y along their first axes (Keras's <c>from_tensor_slices((x, y))</c>).</summary>
    /// <exception cref="ArgumentException">x and y differ in their number of samples.</exception>
    public static Dataset<(Tensor X, Tensor Y)> FromTensorSlices(Tensor x, Tensor y) =>
        new TensorSlicesDataset<(Tensor X, Tensor Y)>([x, y], c => (c[0], c[1]), "FromTensorSlices");

    /// <summary>One <c>(x, y, sampleWeight)</c> element per sample (Keras's <c>from_tensor_slices((x, y, sample_weight))</c>).</summary>
    /// <exception cref="ArgumentException">The tensors differ in their number of samples.</exception>
    public static Dataset<(Tensor X, Tensor Y, Tensor SampleWeight)> FromTensorSlices(Tensor x, Tensor y, Tensor sampleWeight) =>
        new TensorSlicesDataset<(Tensor X, Tensor Y, Tensor SampleWeight)>([x, y, sampleWeight], c => (c[0], c[1], c[2]), "FromTensorSlices");

    /// <summary>
    /// One <c>(inputs, targets)</c> element per sample for a model with several inputs or outputs:
    /// slices of each tensor, in the order of the model's <c>InputNames</c> and <c>OutputNames</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors differ in their number of samples, or a list is empty.</exception>
    public static Dataset<(Tensor[] X, Tensor[] Y)> FromTensorSlices(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0 || targets.Count == 0)
            throw new ArgumentException($"Dataset.FromTensorSlices: expected at least one input and one target tensor, got {inputs.Count} and {targets.Count}.");
        int k = inputs.Count;
        return new TensorSlicesDataset<(Tensor[] X, Tensor[] Y)>([.. inputs, .. targets], c => (c[..k], c[k..]), "FromTensorSlices");
    }

    /// <summary>
    /// The elements of <paramref name="source"/>, enumerated again on each pass. A collection gives the
    /// same elements every pass; a lazy sequence gives whatever it yields each time.
    /// </summary>
    public static Dataset<T> FromEnumerable<T>(IEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        long card = source.TryGetNonEnumeratedCount(out int n) ? n : Unknown;
        return new GeneratorDataset<T>(() => source, card, stable: source is T[] or List<T>);
    }

    /// <summary>
    /// The elements <paramref name="generator"/> yields, called once per pass (Keras's
    /// <c>from_generator</c>, or a <c>PyDataset</c>): e.g. a C# iterator method that reads files.
    /// </summary>
    public static Dataset<T> FromGenerator<T>(Func<IEnumerable<T>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new GeneratorDataset<T>(generator, Unknown);
    }

    /// <summary>A parallelism argument resolved: AutoTune is one per core.</summary>
    internal static int Parallelism(int value, string name)
    {
        if (value == AutoTune) return Environment.ProcessorCount;
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"Dataset: expected {name} of at least 1 or Dataset.AutoTune (-1), got {value}.");
        return value;
    }
}
