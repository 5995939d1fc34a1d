using System.Diagnostics;

namespace Graft.Tensors.Kernels;

/// <summary>
/// A fixed team of worker threads for the kernels, one per extra core, that spin briefly between
/// jobs before sleeping — the OpenMP "active wait" policy. A training step issues hundreds of
/// short kernels; the thread pool's wake-up latency (tens of microseconds) would eat the gain of
/// splitting them, so the team stays hot while work keeps coming.
/// </summary>
internal static class WorkerPool
{
    private const long SpinMicroseconds = 200;
    private static readonly int s_workers = Math.Max(0, Environment.ProcessorCount - 1);
    private static readonly Worker[] s_team = Enumerable.Range(0, s_workers).Select(i => new Worker(i + 1)).ToArray();
    private static readonly Lock s_lock = new();

    /// <summary>Threads a job can use: the caller plus the team.</summary>
    public static int Threads => s_workers + 1;

    /// <summary>
    /// Runs body(0) … body(parts − 1) in parallel, part 0 on the calling thread, and returns when
    /// all are done. Nested or concurrent calls run serially on the caller (the team is busy).
    /// </summary>
    public static void Run(int parts, Action<int> body)
    {
        parts = Math.Min(parts, Threads);
        if (parts <= 1 || !s_lock.TryEnter())
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        try
        {
            for (int i = 1; i < parts; i++) s_team[i - 1].Start(body);
            body(0);
            Exception? error = null;
            for (int i = 1; i < parts; i++) error ??= s_team[i - 1].Wait();
            if (error is not null) throw new AggregateException(error);
        }
        finally { s_lock.Exit(); }
    }

    private sealed class Worker
    {
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private volatile Action<int>? _job;
        private volatile bool _done = true;
        private Exception? _error;

        public Worker(int part)
        {
            _part = part;
            new Thread(Loop) { IsBackground = true, Name = $"graft-worker-{part}" }.Start();
        }

        public void Start(Action<int> job)
        {
            _done = false;
            _error = null;
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
                while ((job = _job) is null && Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
                if (job is null) { _wake.Wait(); continue; }
                _job = null;
                try { job(_part); }
                catch (Exception e) { _error = e; }
                _done = true;
                while (_wake.CurrentCount > 0) _wake.Wait(0);
            }
        }
    }
}
