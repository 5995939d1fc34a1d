namespace Graft.Tests.Testing;

/// <summary>Runs the <c>graft</c> command in-process through its Main, capturing what it prints.</summary>
public static class GraftCommand
{
    /// <summary>Runs <c>graft args…</c>; returns its exit code and what it wrote to standard output and error.</summary>
    public static (int code, string stdout, string stderr) Run(params string[] args)
    {
        using var console = new ConsoleCapture();
        int code = Graft.Cli.Program.Main(args);
        return (code, console.Out.ToString(), console.Error.ToString());
    }
}
