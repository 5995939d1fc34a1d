using System.Reflection;

namespace Graft.Cli;

/// <summary>The <c>graft</c> command: parses arguments, calls the library, maps errors to exit codes.</summary>
public static class Program
{
    /// <summary>Exit codes: 0 success, 1 failure while running, 2 bad usage.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine("""
                graft — Keras-style transfer learning for .NET

                usage: graft <command> [options]

                commands:
                  version     print the version
                  help        this text
                """);
            return args.Length == 0 ? 2 : 0;
        }
        switch (args[0])
        {
            case "version" or "--version":
                Console.WriteLine(typeof(Graft.Tensors.Tensor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
                return 0;
            default:
                Console.Error.WriteLine($"graft: expected a command (version, help), got '{args[0]}'. Run 'graft help'.");
                return 2;
        }
    }
}
