using System.Buffers;
using Graft.Distributed.Mpi;
using Microsoft.Extensions.Logging;

namespace Graft.Distributed;

/// <summary>
/// Data-parallel training over MPI (Keras's <c>keras.distribution.DataParallel</c>, Horovod's and
/// PyTorch DDP's way): the same program runs as several processes started by <c>mpirun</c>, each a
/// rank; after <c>Distribution.Set(dataParallel)</c>, every <c>Fit</c>, <c>Evaluate</c> and
/// <c>Predict</c> splits each global batch between the ranks and sums the gradients over them before
/// every optimizer step, so all ranks hold the same weights after each step.
/// </summary>
/// <remarks>
/// <para><b>Semantics.</b> Every rank is given the same data and the same <c>batchSize</c> (the global
/// batch); rank r computes its contiguous share of each batch. Rank 0's weights are sent to all before
/// the first step; losses and metrics in <c>History</c> are the global batch's; <c>Predict</c> returns
/// the whole result on every rank; <c>ModelCheckpoint</c>, <c>CSVLogger</c>, <c>TensorBoard</c> and
/// <c>BackupAndRestore</c> write (and restore) on rank 0 only, and progress shows on rank 0 only.</para>
/// <para><b>Failure.</b> An exception that escapes <c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> on one
/// rank, or an unhandled exception anywhere, is logged (Graft's logging, category
/// <c>Graft.Distributed</c>) and ends every process of the job (<c>MPI_Abort</c>); a rank that dies
/// makes <c>mpirun</c> end the others; an operation that waits longer than <see cref="Timeout"/> for
/// the other ranks ends the job too. Resume from a <c>BackupAndRestore</c> folder, with any number of ranks.</para>
/// <para><b>Reduction.</b> Sums are deterministic: each rank receives one slice of every other rank's
/// values (<c>MPI_Alltoall</c>), adds them in rank order in float64, and the sums are shared
/// (<c>MPI_Allgather</c>). Each rank sends 2(N−1)/N of the values, as a ring allreduce does, and every
/// rank receives the same bits.</para>
/// </remarks>
public sealed class DataParallel : IProcessGroup, IDisposable
{
    private static readonly Lock s_lock = new();
    private static DataParallel? s_world;
    private static bool s_finalized;

    private readonly MpiThread _mpi;
    private readonly ILogger _logger;
    private int _aborting;

    private DataParallel(TimeSpan timeout)
    {
        Timeout = timeout;
        _logger = GraftContext.Current.LoggerFactory.CreateLogger("Graft.Distributed");
        _mpi = new MpiThread(MpiLibrary.Load(), timeout, Abort);
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    /// <summary>
    /// Initializes MPI for this process (once: MPI cannot start again after it is finalized) and returns
    /// the world of processes <c>mpirun</c> started; run without <c>mpirun</c>, the world is this process
    /// alone. Dispose it at the end of the program, on every rank.
    /// </summary>
    /// <param name="timeout">The longest one collective operation may wait for the other ranks before the job is ended (default 5 minutes).</param>
    /// <returns>The world: <see cref="Rank"/> and <see cref="WorldSize"/>.</returns>
    /// <exception cref="InvalidOperationException">MPI is already initialized in this process (use the instance already returned), or was finalized.</exception>
    /// <exception cref="DllNotFoundException">Open MPI is not installed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static DataParallel FromMpi(TimeSpan? timeout = null)
    {
        var t = timeout ?? TimeSpan.FromMinutes(5);
        if (t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), $"DataParallel.FromMpi: expected a positive timeout, got {t}.");
        lock (s_lock)
        {
            if (s_world is not null)
                throw new InvalidOperationException("DataParallel.FromMpi: expected MPI not yet initialized in this process, got it initialized by an earlier call. Use the DataParallel that call returned.");
            if (s_finalized)
                throw new InvalidOperationException("DataParallel.FromMpi: expected MPI not yet finalized, got a DataParallel already disposed; MPI cannot start twice in one process. Dispose it at the end of the program.");
            // MPI is initialized once per process: the world is the process's, not a context's.
            return s_world = new DataParallel(t);
        }
    }

    /// <summary>This process's rank, 0 to <see cref="WorldSize"/> − 1 (<c>MPI_Comm_rank</c>).</summary>
    public int Rank => _mpi.Rank;

    /// <summary>The number of processes (<c>MPI_Comm_size</c>).</summary>
    public int WorldSize => _mpi.Size;

    /// <summary>The longest one collective operation may wait for the other ranks.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Time spent inside MPI operations so far, on this rank's communication thread (whether or not training waited for it).</summary>
    public TimeSpan CommunicationTime => _mpi.Busy;

    /// <inheritdoc/>
    public Task AllreduceSumAsync(Memory<float> values)
    {
        if (WorldSize == 1) return Task.CompletedTask;
        return _mpi.Post(() =>
        {
            // Pinned for the MPI calls, which take the buffer's address.
            using var pin = values.Pin();
            unsafe { SumInRankOrder(new Span<float>(pin.Pointer, values.Length)); }
        });
    }

    /// <summary>The deterministic sum: a slice of each rank's values to each rank, summed there in rank order in float64, then shared.</summary>
    private unsafe void SumInRankOrder(Span<float> values)
    {
        int n = WorldSize, chunk = (values.Length + n - 1) / n, padded = chunk * n;
        var send = ArrayPool<float>.Shared.Rent(padded);
        var receive = ArrayPool<float>.Shared.Rent(padded);
        try
        {
            values.CopyTo(send);
            Array.Clear(send, values.Length, padded - values.Length);
            fixed (float* s = send, r = receive)
            {
                _mpi.Library.Alltoall(s, chunk, _mpi.Library.Float, r);
                for (int j = 0; j < chunk; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < n; k++) sum += r[k * chunk + j];
                    s[j] = (float)sum;
                }
                _mpi.Library.Allgather(s, chunk, _mpi.Library.Float, r);
            }
            receive.AsSpan(0, values.Length).CopyTo(values);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(send);
            ArrayPool<float>.Shared.Return(receive);
        }
    }

    /// <inheritdoc/>
    public unsafe void Broadcast(Span<float> values, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        if (WorldSize == 1) return;
        fixed (float* p = values)
        {
            // The span stays pinned while this thread waits for the MPI thread.
            float* at = p;
            int count = values.Length;
            _mpi.Run(() => _mpi.Library.Bcast(at, count, _mpi.Library.Float, root));
        }
    }

    /// <inheritdoc/>
    public float[][] Allgather(ReadOnlySpan<float> local) => Gather(local, _mpi.Library.Float);

    /// <inheritdoc/>
    public double[][] Allgather(ReadOnlySpan<double> local) => Gather(local, _mpi.Library.Double);

    private unsafe T[][] Gather<T>(ReadOnlySpan<T> local, nint type) where T : unmanaged
    {
        if (WorldSize == 1) return [local.ToArray()];
        int n = WorldSize;
        var counts = new int[n];
        var displacements = new int[n];
        T[] all = [];
        fixed (T* mine = local)
        {
            T* send = mine;
            int count = local.Length;
            _mpi.Run(() =>
            {
                fixed (int* c = counts, d = displacements)
                {
                    int own = count;
                    _mpi.Library.Allgather(&own, 1, _mpi.Library.Int, c);
                    for (int k = 1; k < n; k++) d[k] = d[k - 1] + c[k - 1];
                    all = new T[d[n - 1] + c[n - 1]];
                    fixed (T* a = all) _mpi.Library.Allgatherv(send, count, type, a, c, d);
                }
            });
        }
        var parts = new T[n][];
        for (int k = 0; k < n; k++) parts[k] = all.AsSpan(displacements[k], counts[k]).ToArray();
        return parts;
    }

    /// <summary>Logs <paramref name="error"/> and ends every process of the job (<c>MPI_Abort</c>).</summary>
    public void Abort(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Interlocked.Exchange(ref _aborting, 1) == 1) return;
        _logger.LogCritical(error, "DataParallel rank {Rank} of {WorldSize}: {Message} Ending every rank of the job.", Rank, WorldSize, error.Message);
        // From this thread, not the MPI thread: that one may be waiting inside a collective for the others.
        _mpi.Library.Abort(1);
    }

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs e) =>
        Abort(e.ExceptionObject as Exception ?? new InvalidOperationException($"DataParallel rank {Rank}: unhandled {e.ExceptionObject}."));

    /// <summary>Waits for every rank (<c>MPI_Barrier</c>), then finalizes MPI; turns data parallelism off where it was set.</summary>
    public void Dispose()
    {
        lock (s_lock)
        {
            if (s_world != this) return;
            AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
            _mpi.Dispose();
            s_world = null;
            s_finalized = true;
        }
        if (ReferenceEquals(GraftContext.Current.ProcessGroup, this)) GraftContext.Current.ProcessGroup = null;
    }
}
