using System.Globalization;

namespace Graft.Training.Callbacks;

/// <summary>Writes one CSV row per epoch (<c>epoch</c>, then every logged quantity, sorted by name).</summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private StreamWriter? _writer;
    private string[]? _keys;

    /// <summary>The file written.</summary>
    public string Filename { get; } = filename;

    /// <inheritdoc/>
    internal override bool WritesFiles => true;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        bool hadHeader = append && File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writer = new StreamWriter(Filename, append);
        _keys = hadHeader ? File.ReadLines(Filename).First().Split(separator)[1..] : null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_keys is null)
        {
            _keys = logs.Keys.Order(StringComparer.Ordinal).ToArray();
            _writer!.WriteLine(string.Join(separator, ["epoch", .. _keys]));
        }
        _writer!.WriteLine(string.Join(separator, [epoch.ToString(CultureInfo.InvariantCulture),
            .. _keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")]));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { _writer?.Dispose(); _writer = null; }
}
