using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>Adagrad with Keras's defaults (lr 0.001, initial accumulator 0.1, ε 1e−7).</summary>
public sealed class Adagrad(LearningRate? learningRate = null, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
    double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
    : Optimizer(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>Starting value of the squared-gradient sum.</summary>
    public double InitialAccumulatorValue { get; } = initialAccumulatorValue;
    /// <summary>Denominator fuzz.</summary>
    public double Epsilon { get; } = epsilon;

    // keras/src/optimizers/adagrad.py build: one accumulator per weight.
    internal override IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => [[("accumulator", 0)]];

    internal override string KerasName => "adagrad";

    /// <inheritdoc/>
    protected override Tensor[] CreateSlots(Variable v) => [Tensor.Full((float)InitialAccumulatorValue, v.Shape.ToArray(), v.Value.Device)];

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor w, Tensor g, Tensor[] s, float lr) => w.Backend.AdagradStep(w, g, s[0], lr, (float)Epsilon);
}
