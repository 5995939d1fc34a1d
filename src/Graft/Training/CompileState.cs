using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Optimizers;

namespace Graft.Training;

/// <summary>
/// What <c>Compile</c> fixed: one loss per output with its weight, the optimizer, the metrics of each
/// output, and which layers were trainable at that moment.
/// </summary>
internal sealed class CompileState
{
    /// <summary>A model with one output: one loss, its metrics under their own names.</summary>
    public CompileState(Loss loss, Optimizer optimizer, List<Metric> metrics, Dictionary<Layer, bool> trainableAtCompile, List<Metric>? weightedMetrics = null)
        : this([loss], [1.0], [metrics], [""], optimizer, trainableAtCompile, weightedMetrics is null ? null : [weightedMetrics]) { }

    /// <summary>Several outputs: per-output losses, weights and metrics; metric names are already prefixed with the output's name.</summary>
    public CompileState(Loss[] losses, double[] lossWeights, List<Metric>[] outputMetrics, string[] outputNames, Optimizer optimizer,
        Dictionary<Layer, bool> trainableAtCompile, List<Metric>[]? weightedOutputMetrics = null)
    {
        Losses = losses;
        LossWeights = lossWeights;
        OutputMetrics = outputMetrics;
        OutputNames = outputNames;
        Optimizer = optimizer;
        TrainableAtCompile = trainableAtCompile;
        WeightedOutputMetrics = weightedOutputMetrics ?? [.. outputMetrics.Select(_ => new List<Metric>())];
        Metrics = [.. outputMetrics.SelectMany(m => m), .. WeightedOutputMetrics.SelectMany(m => m)];
    }

    /// <summary>The loss of the first output (the only one in the common case).</summary>
    public Loss Loss => Losses[0];

    /// <summary>One loss per model output, in the order of <c>OutputNames</c>.</summary>
    public Loss[] Losses { get; }

    /// <summary>Each output's weight in the total loss (Keras's <c>loss_weights</c>; 1 by default).</summary>
    public double[] LossWeights { get; }

    /// <summary>Each output's metrics (unweighted, Keras's <c>metrics</c>), in output order.</summary>
    public List<Metric>[] OutputMetrics { get; }

    /// <summary>Each output's metrics that receive the sample weights (Keras's <c>weighted_metrics</c>), in output order.</summary>
    public List<Metric>[] WeightedOutputMetrics { get; }

    /// <summary>The output names that prefix per-output logs (<c>dense_1_loss</c>); one empty name for a single output.</summary>
    public string[] OutputNames { get; }

    public Optimizer Optimizer { get; }

    /// <summary>Every metric: the unweighted ones output after output, then the weighted ones.</summary>
    public List<Metric> Metrics { get; }

    /// <summary>Each layer's <c>Trainable</c> flag when Compile ran (Keras applies changes at the next compile).</summary>
    public Dictionary<Layer, bool> TrainableAtCompile { get; }

    /// <summary>A variable is trained when it is trainable itself and its layer was trainable at compile time.</summary>
    public bool IsTrained(Variable v) => v.Trainable && TrainableAtCompile.GetValueOrDefault(v.Owner, v.Owner.Trainable);
}
