namespace Graft.Cli;

/// <summary>Positional arguments and <c>--name value</c> / <c>--flag</c> options of one command.</summary>
public sealed class Arguments
{
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, string?> _options = [];
    private readonly string _command;

    /// <summary>
    /// Splits <paramref name="args"/>: <paramref name="options"/> take a value, <paramref name="flags"/>
    /// (and <c>--json</c>) take none. Any other <c>--name</c> is a usage error, so a misspelt option
    /// never runs the command with its default.
    /// </summary>
    public Arguments(string[] args, string command, IReadOnlyCollection<string> options, params string[] flags)
    {
        _command = command;
        string[] knownFlags = ["--json", .. flags];
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) { _positional.Add(args[i]); continue; }
            if (knownFlags.Contains(args[i])) { _options[args[i]] = null; continue; }
            if (!options.Contains(args[i]))
                throw new UsageException($"graft {command}: expected an option among ({string.Join(", ", options.Concat(knownFlags))}), got '{args[i]}'. Run 'graft help'.");
            if (i + 1 >= args.Length) throw new UsageException($"graft {command}: expected a value after {args[i]}, got none.");
            _options[args[i]] = args[++i];
        }
    }

    /// <summary>The positional argument at <paramref name="index"/>, named <paramref name="name"/> in errors.</summary>
    public string Positional(int index, string name) => index < _positional.Count ? _positional[index]
        : throw new UsageException($"graft {_command}: expected {name}, got none. Run 'graft help'.");

    /// <summary>The number of positional arguments.</summary>
    public int Count => _positional.Count;

    /// <summary>Whether a flag is present.</summary>
    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>An option's value, or null.</summary>
    public string? Option(string name) => _options.TryGetValue(name, out var v) ? v : null;

    /// <summary>A required option's value.</summary>
    public string Required(string name) => Option(name) ?? throw new UsageException($"graft {_command}: expected option {name}, got none.");

    /// <summary>An integer option between <paramref name="min"/> and <paramref name="max"/> (Keras's <c>verbose</c>: 0, 1 or 2).</summary>
    public int IntInRange(string name, int fallback, int min, int max)
    {
        var v = Option(name);
        if (v is null) return fallback;
        return int.TryParse(v, out int n) && n >= min && n <= max ? n
            : throw new UsageException($"graft {_command}: expected an integer from {min} to {max} for {name}, got '{v}'.");
    }

    /// <summary>A positive integer option.</summary>
    public int PositiveInt(string name, int fallback)
    {
        var v = Option(name);
        if (v is null) return fallback;
        return int.TryParse(v, out int n) && n > 0 ? n : throw new UsageException($"graft {_command}: expected a positive integer for {name}, got '{v}'.");
    }
}
