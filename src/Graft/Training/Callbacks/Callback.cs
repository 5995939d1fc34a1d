using Graft.Models;

namespace Graft.Training.Callbacks;

/// <summary>
/// Hooks into <c>Fit</c> (Keras's <c>keras.callbacks.Callback</c>). <c>logs</c> hold the running
/// or final metrics: <c>loss</c>, metric names, and <c>val_</c>-prefixed ones at epoch end.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained (set by <c>Fit</c>).</summary>
    public Model Model { get; internal set; } = null!;

    /// <summary>Total epochs and steps per epoch of the current <c>Fit</c>.</summary>
    public (int Epochs, int Steps) Params { get; internal set; }

    /// <summary>
    /// The epoch <c>Fit</c> should start from, when this callback has restored an earlier run in
    /// <see cref="OnTrainBegin"/>; null otherwise.
    /// </summary>
    internal virtual int? InitialEpoch => null;

    /// <summary>Whether this callback writes files, which in data-parallel training rank 0 alone does.</summary>
    internal virtual bool WritesFiles => false;

    /// <summary>
    /// Where this callback's progress lines go during <c>Fit</c>: <see cref="GraftContext.ProgressWriter"/>
    /// as it was when <c>Fit</c> started, or null, which writes nothing.
    /// </summary>
    public TextWriter? ProgressWriter { get; internal set; }

    /// <summary>Writes one line of progress (a callback's <c>verbose</c> message) to <see cref="ProgressWriter"/>, if any.</summary>
    protected void Print(string line) => ProgressWriter?.WriteLine(line);

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called once after the last epoch.</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called at the end of each epoch with its final metrics.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called before each training batch.</summary>
    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called after each training batch with the running metrics.</summary>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}
