using Microsoft.Extensions.Logging;

namespace Graft.Cli;

/// <summary>
/// The command's logger factory: the library's warnings (and anything worse) printed to standard
/// error as <c>Warning: …</c> lines, as the command showed them before the library stopped printing;
/// standard output stays clean for <c>--json</c>.
/// </summary>
internal sealed class ConsoleWarnings : ILoggerFactory, ILogger
{
    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) { }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        string label = logLevel == LogLevel.Warning ? "Warning" : "Error";
        // Console.Error is read at each message, so a redirected error stream receives it.
        Console.Error.WriteLine($"{label}: {formatter(state, exception)}");
    }

    /// <inheritdoc/>
    public void Dispose() { }
}
