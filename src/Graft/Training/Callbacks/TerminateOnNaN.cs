namespace Graft.Training.Callbacks;

/// <summary>Stops training as soon as a batch's loss is NaN or infinite.</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.TryGetValue("loss", out var loss) && !double.IsFinite(loss))
        {
            Print($"Batch {batch}: Invalid loss, terminating training");
            Model.StopTraining = true;
        }
    }
}
