using System.Globalization;

namespace Graft.Training.Callbacks;

/// <summary>
/// Saves the model (or its weights) at the end of epochs, optionally only when
/// <see cref="Monitor"/> improves (Keras's <c>ModelCheckpoint</c>). The path may contain
/// <c>{epoch}</c> (1-based) and logged quantities such as <c>{val_loss:0.00}</c>. Saves are atomic.
/// A full save (not <c>saveWeightsOnly</c>) holds the optimizer's state too, so <c>Model.Load</c> then
/// <c>Fit(initialEpoch: n)</c> continues the run; <see cref="BackupAndRestore"/> does that by itself.
/// With <c>saveWeightsOnly</c>, a <c>.weights.h5</c> path holds it as well, as in Keras 3: a model compiled
/// the same way, its optimizer built (<c>Optimizer.Build(TrainableWeights)</c>), then <c>LoadWeights</c>
/// continues the run; Keras 2's layout (any other <c>.h5</c>) holds no optimizer state.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly bool _higher;
    private double _best;

    /// <param name="filepath">Target path (.keras or .h5; .weights.h5 or any .h5 with saveWeightsOnly).</param>
    /// <param name="monitor">Quantity that decides "best".</param>
    /// <param name="verbose">1 prints a line at each save, to <see cref="GraftContext.ProgressWriter"/>.</param>
    /// <param name="saveBestOnly">Save only when the monitored quantity improves.</param>
    /// <param name="saveWeightsOnly">Save weights only (<c>SaveWeights</c>); the path must then not end in <c>.keras</c>.</param>
    /// <param name="mode">"auto", "min" or "max".</param>
    /// <exception cref="ArgumentException">The path does not suit what is saved.</exception>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, bool saveWeightsOnly = false, string mode = "auto")
    {
        Filepath = filepath; Monitor = monitor; Verbose = verbose; SaveBestOnly = saveBestOnly; SaveWeightsOnly = saveWeightsOnly;
        if (!saveWeightsOnly && !(filepath.EndsWith(".keras") || filepath.EndsWith(".h5") || filepath.EndsWith(".hdf5")))
            throw new ArgumentException($"ModelCheckpoint: expected a filepath ending in .keras, .h5 or .hdf5, got '{filepath}'.");
        if (saveWeightsOnly && filepath.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"ModelCheckpoint: expected a filepath ending in .weights.h5 (or .h5) with saveWeightsOnly, got '{filepath}', which names a full model archive. Drop saveWeightsOnly to save the model.");
        _higher = MonitorMode.HigherIsBetter(monitor, mode, "ModelCheckpoint");
        _best = _higher ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>Target path pattern.</summary>
    public string Filepath { get; }
    /// <summary>Monitored quantity.</summary>
    public string Monitor { get; }
    /// <summary>Verbosity.</summary>
    public int Verbose { get; }
    /// <summary>Only improvements are saved.</summary>
    public bool SaveBestOnly { get; }
    /// <summary>Only weights are saved.</summary>
    public bool SaveWeightsOnly { get; }
    /// <summary>Best monitored value seen.</summary>
    public double Best => _best;

    /// <inheritdoc/>
    internal override bool WritesFiles => true;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        string path = Format(Filepath, epoch, logs);
        if (SaveBestOnly)
        {
            double current = MonitorMode.Value(logs, Monitor, "ModelCheckpoint");
            if (!(_higher ? current > _best : current < _best))
            {
                if (Verbose > 0) Print($"Epoch {epoch + 1}: {Monitor} did not improve from {_best:0.#####}");
                return;
            }
            if (Verbose > 0) Print($"Epoch {epoch + 1}: {Monitor} improved from {_best:0.#####} to {current:0.#####}, saving model to {path}");
            _best = current;
        }
        else if (Verbose > 0) Print($"Epoch {epoch + 1}: saving model to {path}");
        if (SaveWeightsOnly) Model.SaveWeights(path); else Model.Save(path);
    }

    /// <summary>Fills <c>{epoch}</c> and <c>{name}</c> / <c>{name:format}</c> placeholders, as Python's str.format would.</summary>
    internal static string Format(string pattern, int epoch, IReadOnlyDictionary<string, double> logs) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(?::([^}]*))?\}", m =>
        {
            string key = m.Groups[1].Value, fmt = m.Groups[2].Value;
            if (key == "epoch") return (epoch + 1).ToString(PythonFormat(fmt, integer: true), CultureInfo.InvariantCulture);
            return logs.TryGetValue(key, out var v) ? v.ToString(PythonFormat(fmt, integer: false), CultureInfo.InvariantCulture) : m.Value;
        });

    private static string PythonFormat(string fmt, bool integer)
    {
        // "{epoch:02d}" → "00", "{val_loss:.2f}" → "0.00"
        var d = System.Text.RegularExpressions.Regex.Match(fmt, @"^0?(\d+)d$");
        if (d.Success) return new string('0', int.Parse(d.Groups[1].Value));
        var f = System.Text.RegularExpressions.Regex.Match(fmt, @"^\.(\d+)f$");
        if (f.Success) return "0." + new string('0', int.Parse(f.Groups[1].Value));
        return integer ? "0" : "R";
    }
}
