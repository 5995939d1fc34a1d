using System.Collections.Concurrent;
using System.Diagnostics;

namespace Graft.Distributed.Mpi;

/// <summary>
/// The one thread that calls MPI: it initializes MPI, runs the operations handed to it one after another
/// in the order they came (so every rank issues the same collectives in the same order, and training
/// goes on while they run), and finalizes MPI. A watchdog ends the job when one operation outlasts the
/// timeout: a rank that stopped or went another way must not leave the others waiting forever.
/// </summary>
internal sealed class MpiThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = [];
    private readonly Thread _thread;
    private readonly Timer _watchdog;
    private readonly TimeSpan _timeout;
    private readonly Action<Exception> _onTimeout;
    private long _startedAt = -1;
    private long _busyTicks;

    /// <param name="library">Open MPI.</param>
    /// <param name="timeout">The longest one operation may take.</param>
    /// <param name="onTimeout">Called (from the watchdog) when an operation outlasts <paramref name="timeout"/>.</param>
    public MpiThread(MpiLibrary library, TimeSpan timeout, Action<Exception> onTimeout)
    {
        Library = library;
        _timeout = timeout;
        _onTimeout = onTimeout;
        var started = new TaskCompletionSource();
        _thread = new Thread(() => Loop(started)) { IsBackground = true, Name = "MPI" };
        _thread.Start();
        started.Task.GetAwaiter().GetResult();
        var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 4, 10, 1000));
        _watchdog = new Timer(_ => Watch(), null, period, period);
    }

    /// <summary>The bound library.</summary>
    public MpiLibrary Library { get; }

    /// <summary>This process's rank.</summary>
    public int Rank { get; private set; }

    /// <summary>The number of processes.</summary>
    public int Size { get; private set; }

    /// <summary>Time this thread spent inside MPI operations, in total.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>Queues <paramref name="work"/>; the task completes when it has run (or faults with its exception).</summary>
    public Task Post(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try { _queue.Add((work, done)); }
        catch (InvalidOperationException) { throw new ObjectDisposedException(nameof(DataParallel), "DataParallel: expected an open MPI world, got one already disposed (MPI finalized)."); }
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the MPI thread and waits for it.</summary>
    public void Run(Action work) => Post(work).GetAwaiter().GetResult();

    private void Loop(TaskCompletionSource started)
    {
        try
        {
            Library.InitThread(MpiLibrary.ThreadFunneled);
            Rank = Library.Rank();
            Size = Library.Size();
            started.SetResult();
        }
        catch (Exception e)
        {
            started.SetException(e);
            return;
        }
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            long t0 = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref _startedAt, t0);
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e) { done.SetException(e); }
            finally
            {
                Interlocked.Exchange(ref _startedAt, -1);
                Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - t0);
            }
        }
    }

    private void Watch()
    {
        long started = Interlocked.Read(ref _startedAt);
        if (started < 0 || Stopwatch.GetElapsedTime(started) < _timeout) return;
        _watchdog.Change(Timeout.Infinite, Timeout.Infinite);
        _onTimeout(new TimeoutException($"DataParallel rank {Rank}: expected every rank in a collective operation within {_timeout.TotalSeconds:0.#} s, got none from at least one of them. Another rank has stopped, or runs other operations (call Fit, Evaluate and Predict on every rank alike)."));
    }

    /// <summary>Finalizes MPI after the queued operations and ends the thread.</summary>
    public void Dispose()
    {
        if (_queue.IsAddingCompleted) return;
        var finalized = Post(() =>
        {
            Library.Barrier();
            Library.FinalizeMpi();
        });
        _queue.CompleteAdding();
        finalized.GetAwaiter().GetResult();
        _thread.Join();
        _watchdog.Dispose();
    }
}
