using Graft.Tensors;

namespace Graft.Training;

/// <summary>
/// The data of one Fit, Evaluate or validation run, read as batches pass after pass: in-memory
/// arrays (<see cref="ArrayFitData"/>) or a dataset (<see cref="DatasetFitData{T}"/>).
/// </summary>
internal abstract class FitData : IDisposable
{
    /// <summary>Batches per pass, or null when unknown until the first pass ends.</summary>
    public abstract int? Steps { get; }

    /// <summary>The first batch, read apart from the passes, to build the model and check the targets.</summary>
    public abstract DataBatch Peek();

    /// <summary>
    /// One pass. Each item makes its batch when called: the loop calls it inside the step's
    /// <see cref="TensorScope"/>, so a batch cut from arrays reuses pooled memory.
    /// </summary>
    public abstract IEnumerable<Func<DataBatch>> Pass(bool shuffle);

    /// <summary>The model's forward pass for these batches; a frozen-prefix cache replaces it with the top's.</summary>
    public Func<IReadOnlyList<Tensor>, bool, IReadOnlyList<Tensor>>? Forward { get; init; }

    /// <summary>
    /// The same data with the first input replaced by the frozen prefix's outputs, computed once, or
    /// null when that is not valid here (several inputs, data that change from pass to pass) or would
    /// take more than <paramref name="budget"/> floats (reduced by what it takes).
    /// </summary>
    public abstract FitData? WithFeatures(FrozenPrefix prefix, ref long budget);

    /// <summary>Ends a pass that <see cref="Peek"/> started and no <see cref="Pass"/> continued (a dataset's background reader).</summary>
    public virtual void Dispose() { }
}
