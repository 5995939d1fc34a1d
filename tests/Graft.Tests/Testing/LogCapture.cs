using Microsoft.Extensions.Logging;

namespace Graft.Tests.Testing;

/// <summary>
/// Captures the library's warnings and progress for one test: makes current a context of its own
/// (with its own seed and layer names) whose logger factory and progress writer are this capture's,
/// and ends it when disposed, so that tests running in parallel each see only their own messages.
/// </summary>
public sealed class LogCapture : ILoggerFactory, IDisposable
{
    private readonly IDisposable _scope;

    /// <summary>One message a logger received: level, category, formatted text and the template's named values.</summary>
    public sealed record Entry(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> Values);

    /// <param name="progress">Whether to capture progress too (else it keeps going nowhere).</param>
    public LogCapture(bool progress = false)
    {
        _scope = new GraftContext { LoggerFactory = this, ProgressWriter = progress ? Progress : null }.Use();
    }

    /// <summary>Every message logged, in order.</summary>
    public List<Entry> Entries { get; } = [];

    /// <summary>The progress written, when capturing it.</summary>
    public StringWriter Progress { get; } = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Dispose() => _scope.Dispose();

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = (state as IEnumerable<KeyValuePair<string, object?>>)?.ToDictionary(p => p.Key, p => p.Value) ?? [];
            lock (owner.Entries) owner.Entries.Add(new Entry(logLevel, category, formatter(state, exception), values));
        }
    }
}
