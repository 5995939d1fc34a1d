using Graft.Training.Callbacks;

namespace Graft.Training;

/// <summary>
/// What <c>Fit</c> returns: one value per epoch for each logged quantity (Keras's
/// <c>History.history</c>): <c>history["loss"]</c>, <c>history["val_accuracy"]</c>, …
/// </summary>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> _values = [];

    /// <summary>The epochs recorded (0-based).</summary>
    public List<int> Epoch { get; } = [];

    /// <summary>All series by name.</summary>
    public IReadOnlyDictionary<string, List<double>> HistoryDict => _values;

    /// <summary>The series for <paramref name="key"/>, one value per epoch.</summary>
    /// <exception cref="KeyNotFoundException">Nothing was logged under that name; the message lists what was.</exception>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History: expected one of {string.Join(", ", _values.Keys)}; got '{key}'.");

    /// <summary>Names of the logged series.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        Epoch.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list)) _values[k] = list = [];
            list.Add(v);
        }
    }
}
