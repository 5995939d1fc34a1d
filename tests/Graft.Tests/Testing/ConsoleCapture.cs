namespace Graft.Tests.Testing;

/// <summary>Redirects the console's output and error streams for one test and restores them when disposed.</summary>
public sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _out = Console.Out, _error = Console.Error;

    /// <summary>Starts capturing.</summary>
    public ConsoleCapture()
    {
        Console.SetOut(Out);
        Console.SetError(Error);
    }

    /// <summary>What was written to standard output.</summary>
    public StringWriter Out { get; } = new();

    /// <summary>What was written to standard error.</summary>
    public StringWriter Error { get; } = new();

    /// <inheritdoc/>
    public void Dispose()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
    }
}
