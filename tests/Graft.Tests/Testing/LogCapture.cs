using Microsoft.Extensions.Logging;

namespace Graft.Tests.Testing;

/// <summary>
/// Sets <see cref="Graft.Logging"/> to capture the library's warnings and progress for one test,
/// and puts the previous settings back when disposed.
/// </summary>
public sealed class LogCapture : ILoggerFactory, IDisposable
{
    private readonly ILoggerFactory _savedFactory = Graft.Logging.LoggerFactory;
    private readonly TextWriter? _savedProgress = Graft.Logging.ProgressWriter;

    /// <summary>One message a logger received: level, category, formatted text and the template's named values.</summary>
    public sealed record Entry(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> Values);

    /// <param name="progress">Whether to capture progress too (else it keeps going nowhere).</param>
    public LogCapture(bool progress = false)
    {
        Graft.Logging.LoggerFactory = this;
        Graft.Logging.ProgressWriter = progress ? Progress : null;
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
    public void Dispose()
    {
        Graft.Logging.LoggerFactory = _savedFactory;
        Graft.Logging.ProgressWriter = _savedProgress;
    }

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
