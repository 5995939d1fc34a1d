using Graft.Models;

namespace Graft.Training.Callbacks;

/// <summary>
/// Hooks into <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> (Keras's <c>keras.callbacks.Callback</c>).
/// <c>logs</c> hold the running or final metrics: <c>loss</c>, metric names, and <c>val_</c>-prefixed
/// ones at epoch end. As in Keras, <c>Fit</c>'s validation at each epoch's end calls the test hooks of
/// <c>Fit</c>'s callbacks.
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
    /// <summary>Called when <c>Evaluate</c>, or <c>Fit</c>'s validation, begins (Keras's <c>on_test_begin</c>).</summary>
    public virtual void OnTestBegin(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called when an evaluation ends, with its final loss and metrics (names without <c>val_</c>).</summary>
    public virtual void OnTestEnd(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called before each evaluation batch (0-based).</summary>
    public virtual void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called after each evaluation batch with the running loss and metrics.</summary>
    public virtual void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called when <c>Predict</c> begins (Keras's <c>on_predict_begin</c>).</summary>
    public virtual void OnPredictBegin(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called when <c>Predict</c> ends.</summary>
    public virtual void OnPredictEnd(IReadOnlyDictionary<string, double> logs) { }
    /// <summary>Called before each prediction batch (0-based).</summary>
    public virtual void OnPredictBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }
    /// <summary>
    /// Called after each prediction batch. Keras passes the batch's outputs in <c>logs["outputs"]</c>;
    /// Graft's logs hold numbers only, so they are empty here and the outputs are <c>Predict</c>'s result.
    /// </summary>
    public virtual void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}
