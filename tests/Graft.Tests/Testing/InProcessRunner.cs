#if GRAFT_IN_PROCESS_RUNNER
using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Graft.Tests.Testing;

/// <summary>
/// The test assembly's own entry point when it is built with <c>-p:InProcessRunner=true</c>: runs
/// its tests in this process, with no test host to launch, so a self-contained build for another
/// architecture runs under an emulator (<c>.ci/arm64</c>). Arguments are substrings of the fully
/// qualified test class names to run; none runs all. Exit code: the number of failures (capped).
/// </summary>
public static class InProcessRunner
{
    public static int Main(string[] args)
    {
        var assembly = typeof(InProcessRunner).Assembly;
        var sink = new Sink();
        var framework = new XunitTestFramework(sink);
        var discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly));
        discoverer.Find(false, sink, new Options());
        sink.DiscoveryDone.WaitOne();
        var cases = sink.Cases.Where(c => args.Length == 0 || args.Any(a => c.TestMethod.TestClass.Class.Name.Contains(a, StringComparison.Ordinal))).ToList();
        Console.WriteLine($"running {cases.Count} test cases");
        var executor = framework.GetExecutor(assembly.GetName());
        executor.RunTests(cases, sink, new Options());
        sink.ExecutionDone.WaitOne();
        Console.WriteLine($"passed {sink.Passed}, failed {sink.Failed}, skipped {sink.Skipped}");
        return Math.Min(sink.Failed, 100);
    }

    private sealed class Options : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly Dictionary<string, object?> _values = [];
        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) && v is TValue t ? t : default!;
        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }

    private sealed class Sink : LongLivedMarshalByRefObject, IMessageSink
    {
        public List<ITestCase> Cases { get; } = [];
        public ManualResetEvent DiscoveryDone { get; } = new(false);
        public ManualResetEvent ExecutionDone { get; } = new(false);
        public int Passed, Failed, Skipped;

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestCaseDiscoveryMessage d: lock (Cases) Cases.Add(d.TestCase); break;
                case IDiscoveryCompleteMessage: DiscoveryDone.Set(); break;
                case ITestPassed: Interlocked.Increment(ref Passed); break;
                case ITestSkipped: Interlocked.Increment(ref Skipped); break;
                case ITestFailed f:
                    Interlocked.Increment(ref Failed);
                    Console.WriteLine($"FAILED {f.Test.DisplayName}: {string.Join(" ", f.Messages)}\n{string.Join("\n", f.StackTraces)}");
                    break;
                case ITestAssemblyFinished: ExecutionDone.Set(); break;
            }
            return true;
        }
    }
}
#endif
