namespace Graft.Training.Callbacks;

/// <summary>Multiplies the learning rate by <see cref="Factor"/> when <see cref="Monitor"/> stalls for <see cref="Patience"/> epochs.</summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _higher;
    private double _best;
    private int _wait, _cooldownLeft;

    /// <param name="monitor">Quantity to watch.</param>
    /// <param name="factor">Multiplier in (0, 1).</param>
    /// <param name="patience">Epochs without improvement before reducing.</param>
    /// <param name="verbose">1 prints each reduction, to <see cref="GraftContext.ProgressWriter"/>.</param>
    /// <param name="mode">"auto", "min" or "max".</param>
    /// <param name="minDelta">Smallest change that counts as improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction.</param>
    /// <param name="minLr">Floor of the learning rate.</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: expected a factor in (0, 1), got {factor}.");
        Monitor = monitor; Factor = factor; Patience = patience; Verbose = verbose; MinDelta = minDelta; Cooldown = cooldown; MinLr = minLr;
        _higher = MonitorMode.HigherIsBetter(monitor, mode, "ReduceLROnPlateau");
    }

    /// <summary>Watched quantity.</summary>
    public string Monitor { get; }
    /// <summary>Reduction factor.</summary>
    public double Factor { get; }
    /// <summary>Epochs of patience.</summary>
    public int Patience { get; }
    /// <summary>Verbosity.</summary>
    public int Verbose { get; }
    /// <summary>Smallest improvement.</summary>
    public double MinDelta { get; }
    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }
    /// <summary>Floor.</summary>
    public double MinLr { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _best = _higher ? double.NegativeInfinity : double.PositiveInfinity; _wait = 0; _cooldownLeft = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double current = MonitorMode.Value(logs, Monitor, "ReduceLROnPlateau");
        if (_cooldownLeft > 0) { _cooldownLeft--; _wait = 0; }
        if (_higher ? current > _best + MinDelta : current < _best - MinDelta) { _best = current; _wait = 0; return; }
        if (_cooldownLeft > 0) return;
        if (++_wait < Patience) return;
        var opt = Model.Optimizer!;
        double old = opt.LearningRate;
        if (old > MinLr)
        {
            double lr = Math.Max(old * Factor, MinLr);
            opt.LearningRate = lr;
            if (Verbose > 0) Print($"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {lr:G6}.");
            _cooldownLeft = Cooldown; _wait = 0;
        }
    }
}
