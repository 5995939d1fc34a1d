namespace Graft.Training.Callbacks;

/// <summary>Sets the learning rate at each epoch's start from <c>schedule(epoch, currentRate)</c>.</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0) : Callback
{
    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var opt = Model.Optimizer!;
        double lr = schedule(epoch, opt.LearningRate);
        if (!double.IsFinite(lr) || lr < 0)
            throw new InvalidOperationException($"LearningRateScheduler: expected the schedule to return a finite rate >= 0, got {lr} at epoch {epoch}.");
        opt.LearningRate = lr;
        if (verbose > 0) Print($"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr:G6}.");
    }
}
