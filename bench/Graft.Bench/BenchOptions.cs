namespace Graft.Bench;

internal sealed class BenchOptions
{
    public List<string> Groups { get; } = [];
    public bool Json { get; private set; }
    public bool NoPeer { get; private set; }
    public bool Quick { get; private set; }
    public bool Help { get; private set; }
    public bool Profile { get; private set; }
    public int? Rounds { get; private set; }
    public string? PeersDir { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": o.Json = true; break;
                case "--no-peer": o.NoPeer = true; break;
                case "--quick": o.Quick = true; break;
                case "--peers": o.PeersDir = args[++i]; break;
                case "--profile": o.Profile = true; break;
                case "--rounds": o.Rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "-h" or "--help": o.Help = true; break;
                case "all": o.Groups.AddRange(["gemm", "conv", "alloc", "mlp", "cnn", "load", "seq", "image", "onnx"]); break;
                default: o.Groups.Add(args[i]); break;
            }
        }
        if (o.Groups.Count == 0) o.Groups.AddRange(["gemm", "conv", "alloc", "mlp", "cnn", "load", "seq", "image", "onnx"]);
        return o;
    }
}
