namespace Graft;

/// <summary>
/// The processes that train one model together, and the few collective operations data-parallel
/// training needs (PyTorch's <c>ProcessGroup</c>, Horovod's communicator), over host arrays. Every
/// rank calls the same operations in the same order; an operation returns on a rank once that rank's
/// part is done. <c>Graft.Distributed</c>'s <c>DataParallel</c> implements it over MPI; set it with
/// <c>Distribution.Set</c> (or <see cref="GraftContext.ProcessGroup"/>), and <c>Fit</c>, <c>Evaluate</c>
/// and <c>Predict</c> become data-parallel.
/// </summary>
/// <remarks>
/// Reductions are deterministic: each element is summed over the ranks in rank order, in float64, and
/// every rank receives the same bits, so replicas that start equal stay equal, and a run repeats
/// exactly for the same world size.
/// </remarks>
public interface IProcessGroup
{
    /// <summary>This process's index, 0 to <see cref="WorldSize"/> − 1; rank 0 writes files and shows progress.</summary>
    int Rank { get; }

    /// <summary>How many processes train together.</summary>
    int WorldSize { get; }

    /// <summary>
    /// Replaces <paramref name="values"/> on every rank by their sum over the ranks (in rank order, in
    /// float64), without blocking: operations run one after another in the order they were started,
    /// so backpropagation continues while a bucket of gradients travels.
    /// </summary>
    /// <param name="values">The same length on every rank; not to be touched until the task completes.</param>
    /// <returns>A task that completes when the sum is in place.</returns>
    Task AllreduceSumAsync(Memory<float> values);

    /// <summary>Copies rank <paramref name="root"/>'s <paramref name="values"/> into every other rank's.</summary>
    /// <param name="values">The same length on every rank.</param>
    /// <param name="root">The rank whose values are kept.</param>
    void Broadcast(Span<float> values, int root);

    /// <summary>Every rank's <paramref name="local"/> values, indexed by rank; the lengths may differ between ranks.</summary>
    float[][] Allgather(ReadOnlySpan<float> local);

    /// <summary>Every rank's <paramref name="local"/> values, indexed by rank; the lengths may differ between ranks.</summary>
    double[][] Allgather(ReadOnlySpan<double> local);

    /// <summary>
    /// Stops every rank at once because this one failed with <paramref name="error"/>: the others must not
    /// wait for it in a collective operation. Implementations log the error and end the processes.
    /// </summary>
    void Abort(Exception error);
}
