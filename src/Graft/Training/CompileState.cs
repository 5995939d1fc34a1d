using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Optimizers;

namespace Graft.Training;

/// <summary>What <c>Compile</c> fixed: loss, optimizer, metrics, and which layers were trainable at that moment.</summary>
internal sealed class CompileState(Loss loss, Optimizer optimizer, List<Metric> metrics, Dictionary<Layer, bool> trainableAtCompile)
{
    public Loss Loss { get; } = loss;
    public Optimizer Optimizer { get; } = optimizer;
    public List<Metric> Metrics { get; } = metrics;

    /// <summary>Each layer's <c>Trainable</c> flag when Compile ran (Keras applies changes at the next compile).</summary>
    public Dictionary<Layer, bool> TrainableAtCompile { get; } = trainableAtCompile;

    /// <summary>A variable is trained when it is trainable itself and its layer was trainable at compile time.</summary>
    public bool IsTrained(Variable v) => v.Trainable && TrainableAtCompile.GetValueOrDefault(v.Owner, v.Owner.Trainable);
}
