using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

/// <summary>
/// <see cref="WorkerPool.Run"/> returns only when every part it started has finished, whether or
/// not a part threw, and surfaces the same exception for any thread count.
/// </summary>
[Collection(WorkerTeamCollection.Name)]
public class WorkerPoolTests
{
    private static void WithThreads(int threads, Action body)
    {
        using (new GraftContext { Threads = threads }.Use()) body();
    }

    /// <summary>Part 0 throws once the other parts are under way; they then take 100 ms to finish.</summary>
    private static void RunWherePartZeroThrowsWhileOthersAreSlow(int parts, Action? onPartDone = null)
    {
        using var started = new CountdownEvent(parts - 1);
        WorkerPool.Run(parts, p =>
        {
            if (p == 0)
            {
                Assert.True(started.Wait(TimeSpan.FromSeconds(10)), "the worker parts did not start");
                throw new InvalidOperationException("part 0");
            }
            started.Signal();
            Thread.Sleep(100);
            onPartDone?.Invoke();
        });
    }

    [Fact]
    public void WhenPartZeroThrowsTheOtherPartsFinishBeforeRunReturns()
    {
        WithThreads(4, () =>
        {
            int finished = 0;
            var ex = Assert.Throws<InvalidOperationException>(() => RunWherePartZeroThrowsWhileOthersAreSlow(4, () => Interlocked.Increment(ref finished)));
            Assert.Equal("part 0", ex.Message);
            Assert.Equal(3, Volatile.Read(ref finished));
        });
    }

    [Fact]
    public void RunAfterAFailedRunReturnsOnlyWhenItsWorkIsDone()
    {
        WithThreads(4, () =>
        {
            Assert.Throws<InvalidOperationException>(() => RunWherePartZeroThrowsWhileOthersAreSlow(4));
            var done = new int[4];
            WorkerPool.Run(4, p => { Thread.Sleep(20); done[p] = p + 1; });
            Assert.Equal([1, 2, 3, 4], done);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void TheLowestFailingPartsExceptionSurfacesUnwrappedForAnyThreadCount(int threads)
    {
        WithThreads(threads, () =>
        {
            var ex = Assert.Throws<ArgumentException>(() => WorkerPool.Run(4, p =>
            {
                if (p == 3) Thread.Sleep(50);
                if (p == 1 || p == 3) throw new ArgumentException($"part {p}");
            }));
            Assert.Equal("part 1", ex.Message);
            Assert.Contains(nameof(TheLowestFailingPartsExceptionSurfacesUnwrappedForAnyThreadCount), ex.StackTrace);
        });
    }

    [Fact]
    public void EveryPartRunsOnceWhenNoneThrows()
    {
        WithThreads(3, () =>
        {
            var count = new int[10];
            WorkerPool.Run(10, p => Interlocked.Increment(ref count[p]));
            Assert.All(count, c => Assert.Equal(1, c));
        });
    }

    [Fact]
    public void RunNestedInPartZeroCompletesBeforeReturning()
    {
        WithThreads(2, () =>
        {
            using var outerStarted = new ManualResetEventSlim();
            var inner = new int[2];
            int[]? seen = null;
            bool outerRan = false;
            WorkerPool.Run(2, p =>
            {
                if (p == 1) { outerStarted.Set(); Thread.Sleep(100); outerRan = true; return; }
                Assert.True(outerStarted.Wait(TimeSpan.FromSeconds(10)), "part 1 did not start");
                WorkerPool.Run(2, q => { if (q == 1) Thread.Sleep(50); inner[q] = q + 1; });
                seen = [inner[0], inner[1]];
            });
            Assert.Equal([1, 2], seen!);
            Assert.True(outerRan);
        });
    }

    [Fact]
    public void PartsRunInTheCallersContext()
    {
        // What a part rents comes from the caller's pool and any kernel it runs sees the caller's
        // thread count: the worker threads take the context of the job they run.
        var context = new GraftContext { Threads = 4 };
        var seen = new GraftContext?[4];
        var threads = new int[4];
        using (context.Use())
            WorkerPool.Run(4, p => { seen[p] = GraftContext.Current; threads[p] = Environment.CurrentManagedThreadId; });
        Assert.Equal(4, threads.Distinct().Count());   // the parts did run on the team
        Assert.All(seen, c => Assert.Same(context, c));
        // A later job from outside any scope runs in the default context, not the earlier job's.
        var later = new GraftContext?[4];
        WorkerPool.Run(4, p => later[p] = GraftContext.Current);
        Assert.All(later, c => Assert.Same(GraftContext.Default, c));
    }

    [Fact]
    public void JobsArrivingWhileTheTeamSpinsYieldsOrSleepsAllRunOnTheTeam()
    {
        // Idle workers spin, then spin yielding to the process's other threads, then sleep: a job
        // handed over in any of the three phases runs once, on a worker, in the caller's context.
        // The pauses between jobs fall in each phase while a competing thread keeps a core busy,
        // so the yields have something to yield to.
        using var stop = new CancellationTokenSource();
        var busy = new Thread(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(100); }) { IsBackground = true };
        busy.Start();
        try
        {
            WithThreads(2, () =>
            {
                var caller = Environment.CurrentManagedThreadId;
                foreach (var pause in new[] { 0, 0.05, 0.1, 0.15, 2, 20, 0, 0.1 })
                {
                    var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(pause * System.Diagnostics.Stopwatch.Frequency / 1000);
                    while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
                    var count = new int[2];
                    var ran = new int[2];
                    WorkerPool.Run(2, p => { Interlocked.Increment(ref count[p]); ran[p] = Environment.CurrentManagedThreadId; });
                    Assert.Equal([1, 1], count);
                    Assert.Equal(caller, ran[0]);
                    Assert.NotEqual(caller, ran[1]);
                }
            });
        }
        finally { stop.Cancel(); busy.Join(); }
    }

    /// <summary>
    /// Side-by-side jobs both run, each seeing one kernel thread, with every part of their nested
    /// runs done; the caller sees its thread count again after. (Whether they ran on two threads
    /// depends on whether another test holds the team, so it is not asserted.)
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SideBySideJobsEachPlanForOneThread(int threads)
    {
        WithThreads(threads, () =>
        {
            var seen = new int[2];
            var parts = new int[2];
            WorkerPool.RunSideBySide(
                () => { seen[0] = WorkerPool.Threads; WorkerPool.Run(5, _ => Interlocked.Increment(ref parts[0])); },
                () => { seen[1] = WorkerPool.Threads; WorkerPool.Run(7, _ => Interlocked.Increment(ref parts[1])); });
            Assert.Equal([1, 1], seen);
            Assert.Equal([5, 7], parts);
            Assert.Equal(threads, WorkerPool.Threads);
        });
    }
}
