namespace Graft.Training.Callbacks;

/// <summary>Keras's "auto" / "min" / "max" rule for monitored quantities.</summary>
internal static class MonitorMode
{
    /// <summary>True when higher values of <paramref name="monitor"/> are better under <paramref name="mode"/>.</summary>
    public static bool HigherIsBetter(string monitor, string mode, string subject) => mode switch
    {
        "min" => false,
        "max" => true,
        // Keras's auto: accuracy-like and AUC-like quantities go up, everything else down.
        "auto" => monitor.EndsWith("acc") || monitor.Contains("accuracy") || monitor.EndsWith("auc") || monitor.EndsWith("precision") || monitor.EndsWith("recall"),
        _ => throw new ArgumentException($"{subject}: expected mode 'auto', 'min' or 'max', got '{mode}'."),
    };

    public static double Value(IReadOnlyDictionary<string, double> logs, string monitor, string subject) =>
        logs.TryGetValue(monitor, out var v) ? v
        : throw new InvalidOperationException($"{subject}: expected the monitored quantity '{monitor}' among the logs ({string.Join(", ", logs.Keys)}). Pass validation data to monitor val_ quantities.");
}
