namespace Graft.Training.Callbacks;

/// <summary>
/// Writes the logged scalars as TensorBoard event files (Keras's <c>keras.callbacks.TensorBoard</c>,
/// scalars only): <c>&lt;logDir&gt;/train</c> gets <c>epoch_loss</c>, <c>epoch_&lt;metric&gt;</c> and
/// <c>epoch_learning_rate</c> at each epoch's end (step: the epoch, from 0), <c>&lt;logDir&gt;/validation</c>
/// the validation values under the same tags (<c>epoch_loss</c>, without <c>val_</c>) and, after each
/// evaluation, <c>evaluation_&lt;name&gt;_vs_iterations</c> at the optimizer's iteration count. With an
/// <c>updateFreq</c> of <c>"batch"</c> or N, the train folder also gets <c>batch_loss</c>,
/// <c>batch_&lt;metric&gt;</c> (running values) every N batches, counted across epochs from 1. View with
/// <c>tensorboard --logdir &lt;logDir&gt;</c>.
/// </summary>
/// <remarks>
/// Keras's histograms, images, graphs, embeddings and profiling (<c>histogram_freq</c>,
/// <c>write_images</c>, <c>write_graph</c>, <c>embeddings_freq</c>, <c>profile_batch</c>) are not written.
/// </remarks>
public sealed class TensorBoard : Callback
{
    private EventFileWriter? _train, _validation;
    private long _trainBatch, _testBatch;
    private bool _inFit;

    /// <summary>Scalars at each epoch's end (<c>"epoch"</c>, Keras's default), or also every batch (<c>"batch"</c>).</summary>
    /// <param name="logDir">The folder for the <c>train</c> and <c>validation</c> event folders (default <c>logs</c>).</param>
    /// <param name="updateFreq"><c>"epoch"</c> or <c>"batch"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="updateFreq"/> is neither.</exception>
    public TensorBoard(string logDir = "logs", string updateFreq = "epoch")
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        LogDir = logDir;
        UpdateFreq = updateFreq switch
        {
            "epoch" => null,
            "batch" => 1,
            _ => throw new ArgumentException($"TensorBoard: expected update_freq \"epoch\", \"batch\" or a number of batches, got '{updateFreq}'.", nameof(updateFreq)),
        };
    }

    /// <summary>Scalars at each epoch's end and every <paramref name="updateFreq"/> batches (Keras's <c>update_freq=N</c>).</summary>
    /// <param name="logDir">The folder for the <c>train</c> and <c>validation</c> event folders.</param>
    /// <param name="updateFreq">Batches between batch-level writes; ≥ 1.</param>
    public TensorBoard(string logDir, int updateFreq)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(updateFreq);
        LogDir = logDir;
        UpdateFreq = updateFreq;
    }

    /// <summary>The folder holding <c>train</c> and <c>validation</c>.</summary>
    public string LogDir { get; }

    /// <summary>Batches between batch-level writes, or null for epoch-level only.</summary>
    public int? UpdateFreq { get; }

    /// <inheritdoc/>
    internal override bool WritesFiles => true;

    private EventFileWriter Train => _train ??= new EventFileWriter(Path.Combine(LogDir, "train"));

    private EventFileWriter Validation => _validation ??= new EventFileWriter(Path.Combine(LogDir, "validation"));

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _inFit = true;
        _trainBatch = 0;
    }

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => _trainBatch++;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (UpdateFreq is not int every || _trainBatch % every != 0 || logs.Count == 0) return;
        Train.WriteScalars(_trainBatch, logs.Select(p => ($"batch_{p.Key}", p.Value)));
    }

    /// <inheritdoc/>
    public override void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => _testBatch++;

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs)
    {
        // Keras writes these under the record condition of the last evaluation batch.
        if (Model?.Optimizer is { } optimizer && logs.Count > 0 && (UpdateFreq is not int every || _testBatch % every == 0))
        {
            Validation.WriteScalars(optimizer.Iterations, logs.Select(p => ($"evaluation_{p.Key}_vs_iterations", p.Value)));
            Validation.Flush();
        }
        if (!_inFit) Close();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.Count == 0) return;
        var train = logs.Where(p => !p.Key.StartsWith("val_", StringComparison.Ordinal)).Select(p => ($"epoch_{p.Key}", p.Value)).ToList();
        if (Model?.Optimizer is { } optimizer) train.Add(("epoch_learning_rate", optimizer.LearningRate));
        var validation = logs.Where(p => p.Key.StartsWith("val_", StringComparison.Ordinal)).Select(p => ($"epoch_{p.Key[4..]}", p.Value)).ToList();
        if (train.Count > 0) { Train.WriteScalars(epoch, train); Train.Flush(); }
        if (validation.Count > 0) { Validation.WriteScalars(epoch, validation); Validation.Flush(); }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _inFit = false;
        Close();
    }

    private void Close()
    {
        _train?.Dispose(); _train = null;
        _validation?.Dispose(); _validation = null;
    }
}
