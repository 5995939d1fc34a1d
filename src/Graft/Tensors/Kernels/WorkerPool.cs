using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Graft.Tensors.Kernels;

/// <summary>
/// A team of worker threads for the kernels, one per extra thread, that spin briefly between jobs
/// before sleeping — the OpenMP "active wait" policy. A training step issues hundreds of short
/// kernels; the thread pool's wake-up latency (tens of microseconds) would eat the gain of
/// splitting them, so the team stays hot while work keeps coming.
/// </summary>
/// <remarks>
/// The thread count decides only who runs which part, never the arithmetic: every kernel whose
/// result depends on how its work is split (a sum split into partial sums) splits it by problem
/// size and combines the parts in a fixed order, so results are bitwise the same for any
/// <see cref="Threads"/>. Splitting the rows or columns of an output, where each element is still
/// computed by one thread in one order, is free to follow the thread count.
/// </remarks>
internal static class WorkerPool
{
    private const long SpinMicroseconds = 200;
    private const long EagerSpinMicroseconds = 20;
    private static readonly Lock s_lock = new();
    private static Worker[] s_team = [];

    /// <summary>
    /// Threads a job can use: the caller plus the team, as <see cref="GraftContext.Threads"/> of the
    /// current context says (default: one per core). Tests set it, above the core count too, to
    /// check that results do not depend on it.
    /// </summary>
    public static int Threads => t_alone ? 1 : GraftContext.Current.Threads;

    /// <summary>Set on a thread running one of <see cref="RunSideBySide"/>'s jobs: its kernels plan for one thread.</summary>
    [ThreadStatic] private static bool t_alone;

    /// <summary>
    /// Runs two independent jobs side by side, one per thread (one after the other when the
    /// context allows a single thread), each planning its kernels for one thread: their nested runs
    /// would run serially anyway, and a kernel planned for one thread keeps one set of buffers and
    /// reads its operands once. Results are those of the jobs run alone, since no kernel's result
    /// depends on the thread count.
    /// </summary>
    public static void RunSideBySide(Action first, Action second) =>
        Run(2, part =>
        {
            bool outer = t_alone;
            t_alone = true;
            try { (part == 0 ? first : second)(); }
            finally { t_alone = outer; }
        });

    /// <summary>
    /// Runs body(0) … body(parts − 1) and returns when all are done: on min(parts, Threads)
    /// threads, each taking a contiguous range of parts, the first range on the calling thread.
    /// Nested or concurrent calls run serially on the caller (the team is busy); either way, when
    /// no part throws, every part runs exactly once.
    /// </summary>
    /// <remarks>
    /// A part that throws ends its thread's range; the other threads still finish theirs, and Run
    /// returns only after every thread has, then rethrows (unwrapped, with its stack trace) the
    /// exception of the lowest part that failed — the one a serial run would have stopped at, so
    /// the exception does not depend on the thread count either.
    /// </remarks>
    public static void Run(int parts, Action<int> body)
    {
        var context = GraftContext.Current;
        int threads = Math.Min(parts, t_alone ? 1 : context.Threads);
        // Lock is re-entrant: a Run nested in part 0 would enter it again and hand jobs to workers
        // that are still running the outer job's parts.
        if (threads <= 1 || s_lock.IsHeldByCurrentThread || !s_lock.TryEnter())
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        Exception? first = null;
        try
        {
            // The team grows to the most threads any context has asked for, and never shrinks: a
            // sleeping worker costs only its stack.
            if (s_team.Length < threads - 1)
            {
                var grown = new Worker[threads - 1];
                s_team.CopyTo(grown, 0);
                for (int i = s_team.Length; i < grown.Length; i++) grown[i] = new Worker(i + 1);
                s_team = grown;
            }
            var team = s_team;
            Action<int> job = parts == threads ? body : t =>
            {
                for (int i = (int)((long)parts * t / threads), end = (int)((long)parts * (t + 1) / threads); i < end; i++) body(i);
            };
            for (int i = 1; i < threads; i++) team[i - 1].Start(job, context);
            try { job(0); }
            catch (Exception e) { first = e; }
            // Join every worker even when part 0 failed: a worker left running would report done
            // for the next Run before running that Run's job.
            for (int i = 1; i < threads; i++)
            {
                var error = team[i - 1].Wait();
                first ??= error;
            }
        }
        finally { s_lock.Exit(); }
        if (first is not null) ExceptionDispatchInfo.Throw(first);
    }

    private sealed class Worker
    {
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private volatile Action<int>? _job;
        private GraftContext _context = GraftContext.Default;
        private volatile bool _done = true;
        private Exception? _error;

        public Worker(int part)
        {
            _part = part;
            // UnsafeStart: the worker must not keep the execution context (and the GraftContext
            // scope) of whichever job happened to create it; each job brings its own.
            new Thread(Loop) { IsBackground = true, Name = $"graft-worker-{part}" }.UnsafeStart();
        }

        public void Start(Action<int> job, GraftContext context)
        {
            _done = false;
            _error = null;
            _context = context;
            _job = job;
            if (_wake.CurrentCount == 0) _wake.Release();
        }

        public Exception? Wait()
        {
            var spin = new SpinWait();
            while (!_done) spin.SpinOnce(-1);
            return _error;
        }

        private void Loop()
        {
            while (true)
            {
                // Spin for a while for the next job, then sleep until woken.
                long until = Stopwatch.GetTimestamp() + SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
                Action<int>? job;
                // The first microseconds spin on the core alone: back-to-back kernels hand over
                // the next job within them. After that the spin yields on every turn, so a thread of
                // the process with real work (a prefetcher decoding the next batch) gets the core
                // at once instead of waiting for this one's time slice to end; with nothing else to
                // run, the yield returns at once and the wake-up stays as quick.
                long eager = Stopwatch.GetTimestamp() + EagerSpinMicroseconds * Stopwatch.Frequency / 1_000_000;
                while ((job = _job) is null)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now >= until) break;
                    if (now < eager) Thread.SpinWait(20);
                    else Thread.Yield();
                }
                if (job is null) { _wake.Wait(); continue; }
                _job = null;
                // A part runs in the caller's context: what it rents comes from the caller's pool.
                GraftContext.SetOnWorkerThread(_context);
                try { job(_part); }
                catch (Exception e) { _error = e; }
                _done = true;
                while (_wake.CurrentCount > 0) _wake.Wait(0);
            }
        }
    }
}
