using Graft.Tensors;

namespace Graft.Training.Callbacks;

/// <summary>
/// Stops training when <see cref="Monitor"/> has not improved by <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs; optionally puts back the best epoch's weights (Keras's <c>EarlyStopping</c>).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly bool _higher;
    private int _wait;
    private IReadOnlyList<Tensor>? _bestWeights;

    /// <param name="monitor">Quantity to watch.</param>
    /// <param name="minDelta">Smallest change that counts as improvement.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="verbose">1 prints a line when stopping, to <see cref="GraftContext.ProgressWriter"/>.</param>
    /// <param name="mode">"auto", "min" or "max".</param>
    /// <param name="baseline">Value the quantity must beat, or null.</param>
    /// <param name="restoreBestWeights">Restore the best epoch's weights at the end.</param>
    /// <param name="startFromEpoch">Epochs of warm-up before watching starts.</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        Monitor = monitor; MinDelta = Math.Abs(minDelta); Patience = patience; Verbose = verbose;
        Baseline = baseline; RestoreBestWeights = restoreBestWeights; StartFromEpoch = startFromEpoch;
        _higher = MonitorMode.HigherIsBetter(monitor, mode, "EarlyStopping");
    }

    /// <summary>Watched quantity.</summary>
    public string Monitor { get; }
    /// <summary>Smallest improvement.</summary>
    public double MinDelta { get; }
    /// <summary>Epochs of patience.</summary>
    public int Patience { get; }
    /// <summary>Verbosity.</summary>
    public int Verbose { get; }
    /// <summary>Value to beat, or null.</summary>
    public double? Baseline { get; }
    /// <summary>Whether the best weights come back at the end.</summary>
    public bool RestoreBestWeights { get; }
    /// <summary>Warm-up epochs.</summary>
    public int StartFromEpoch { get; }
    /// <summary>The epoch training stopped at, or 0.</summary>
    public int StoppedEpoch { get; private set; }
    /// <summary>The best epoch so far.</summary>
    public int BestEpoch { get; private set; }
    /// <summary>The best value so far.</summary>
    public double Best { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _wait = 0; StoppedEpoch = 0; BestEpoch = 0; _bestWeights = null;
        Best = Baseline ?? (_higher ? double.NegativeInfinity : double.PositiveInfinity);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (epoch < StartFromEpoch) return;
        double current = MonitorMode.Value(logs, Monitor, "EarlyStopping");
        if (RestoreBestWeights && _bestWeights is null) _bestWeights = Model.GetWeights();
        _wait++;
        bool improved = _higher ? current - MinDelta > Best : current + MinDelta < Best;
        if (improved)
        {
            Best = current; BestEpoch = epoch;
            if (RestoreBestWeights) _bestWeights = Model.GetWeights();
            if (Baseline is null || (_higher ? current > Baseline : current < Baseline)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (StoppedEpoch > 0 && Verbose > 0) Print($"Epoch {StoppedEpoch + 1}: early stopping");
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0) Print($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            Model.SetWeights(_bestWeights);
        }
    }
}
