using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Graft.Bench;

/// <summary>Collects results, prints each as a JSON line at once and a readable table at the end.</summary>
internal sealed class Report(bool jsonOnly)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<(string Case, double Graft, double? Peer, string Unit, string PeerName)> _rows = [];

    public void Add(string caseName, double graft, double? peer, string unit, string peerName, JsonObject? extra = null)
    {
        double? ratio = peer is > 0 ? graft / peer.Value : null;
        var line = new JsonObject
        {
            ["case"] = caseName,
            ["graft"] = Math.Round(graft, 2),
            ["peer"] = peer is null ? null : Math.Round(peer.Value, 2),
            ["ratio"] = ratio is null ? null : Math.Round(ratio.Value, 3),
            ["unit"] = unit,
            ["peer_name"] = peerName,
        };
        if (extra is not null)
            foreach (var (k, v) in extra) line[k] = v?.DeepClone();
        Console.WriteLine(line.ToJsonString(JsonOptions));
        _rows.Add((caseName, graft, peer, unit, peerName));
    }

    public void Note(string text)
    {
        if (!jsonOnly) Console.WriteLine(text);
    }

    public void PrintTable()
    {
        if (jsonOnly || _rows.Count == 0) return;
        string F(double v) => v.ToString(v >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"{"case",-20} {"graft",14} {"peer",14} {"ratio",7}  unit / peer");
        foreach (var r in _rows)
            Console.WriteLine($"{r.Case,-20} {F(r.Graft),14} {(r.Peer is { } p ? F(p) : "-"),14} {(r.Peer is > 0 ? (r.Graft / r.Peer.Value).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-"),7}  {r.Unit} / {r.PeerName}");
    }
}
