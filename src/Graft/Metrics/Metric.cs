using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// A stateful quality measure accumulated over batches (Keras's <c>keras.metrics</c>):
/// <see cref="UpdateState(Tensor, Tensor, Tensor?)"/> per batch, <see cref="Result"/> at the end, <see cref="ResetState"/> per epoch.
/// </summary>
public abstract class Metric
{
    /// <param name="name">Name in logs and history (Keras uses the identifier it was given).</param>
    protected Metric(string name) => Name = name;

    /// <summary>Name in logs and history.</summary>
    public string Name { get; internal set; }

    /// <summary>Adds a batch of targets and predictions, each sample weighing 1.</summary>
    public void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <summary>
    /// Adds a batch of targets and predictions, each weighed by <paramref name="sampleWeight"/> (Keras's
    /// <c>update_state(y_true, y_pred, sample_weight)</c>): means become weighted means, counts weighted
    /// counts. The weights are a scalar, one per sample (shape (batch,), spread over the sample's values
    /// or time steps), or one per value; null weighs every sample 1.
    /// </summary>
    /// <exception cref="ArgumentException">The weights' shape fits neither the samples nor the values.</exception>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight);

    /// <summary>The value over everything seen since the last reset.</summary>
    public abstract double Result();

    /// <summary>Forgets everything seen.</summary>
    public abstract void ResetState();

    /// <summary>A fresh metric of the same kind and settings (each compile gets its own state).</summary>
    public abstract Metric CloneEmpty();

    /// <summary>
    /// Resolves Keras identifiers: <c>accuracy</c>/<c>acc</c> (binary, categorical or sparse from the
    /// shapes, as Keras decides), <c>binary_accuracy</c>, <c>categorical_accuracy</c>,
    /// <c>sparse_categorical_accuracy</c>, <c>precision</c>, <c>recall</c>, <c>auc</c>,
    /// <c>top_k_categorical_accuracy</c>, <c>sparse_top_k_categorical_accuracy</c>, <c>mse</c>, <c>mae</c>,
    /// <c>root_mean_squared_error</c>, <c>r2_score</c>, <c>true_positives</c>, <c>false_positives</c>,
    /// <c>true_negatives</c>, <c>false_negatives</c>, and the cross-entropies by their loss names.
    /// </summary>
    public static Metric Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "accuracy" or "acc" => new AutoAccuracy(identifier),
        "binary_accuracy" => new BinaryAccuracy(),
        "categorical_accuracy" => new CategoricalAccuracy(),
        "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(),
        "precision" => new Precision(),
        "recall" => new Recall(),
        "auc" => new AUC(),
        "top_k_categorical_accuracy" => new TopKCategoricalAccuracy(),
        "sparse_top_k_categorical_accuracy" => new SparseTopKCategoricalAccuracy(),
        "mse" or "mean_squared_error" => new MeanSquaredError(identifier),
        "mae" or "mean_absolute_error" => new MeanAbsoluteError(identifier),
        "root_mean_squared_error" => new RootMeanSquaredError(),
        "r2_score" => new R2Score(),
        "true_positives" => new TruePositives(),
        "false_positives" => new FalsePositives(),
        "true_negatives" => new TrueNegatives(),
        "false_negatives" => new FalseNegatives(),
        "binary_crossentropy" => new BinaryCrossentropy(),
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        _ => throw new ArgumentException($"Metric: expected one of accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, precision, recall, auc, top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mse, mae, root_mean_squared_error, r2_score, true_positives, false_positives, true_negatives, false_negatives, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where a metric is expected (<c>metrics: ["accuracy"]</c>).</summary>
    public static implicit operator Metric(string identifier) => Get(identifier);

    /// <summary>The values copied to the host, for accumulation (a batch at a time, so the copy is small).</summary>
    internal static float[] Host(Tensor t) => t.ToArray();

    /// <summary>Predictions and targets as (rows, columns) with targets aligned to the predictions.</summary>
    internal static (float[] t, float[] p, int rows, int cols) Rows(Tensor yTrue, Tensor yPred)
    {
        int cols = yPred.Rank == 0 ? 1 : yPred.Shape[^1];
        return (Host(yTrue), Host(yPred), yPred.Size / Math.Max(1, cols), cols);
    }
}
