using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Regularization;

/// <summary>
/// Passes its input through and adds an activity penalty to the loss (Keras's
/// <c>layers.ActivityRegularization</c>): (l1·Σ|x| + l2·Σx²) / batch size, the division Keras 3's
/// layer call applies to every activity regularizer. The penalty is recorded on each call, in
/// training and in evaluation alike, as in Keras.
/// </summary>
public sealed class ActivityRegularization : Layer
{
    /// <param name="l1">L1 factor (non-negative).</param>
    /// <param name="l2">L2 factor (non-negative).</param>
    /// <param name="name">Layer name.</param>
    public ActivityRegularization(double l1 = 0.0, double l2 = 0.0, string? name = null) : base(name)
    {
        if (!(l1 >= 0) || !(l2 >= 0)) throw new ArgumentOutOfRangeException(nameof(l1), $"ActivityRegularization: expected l1 and l2 >= 0, got l1 {l1}, l2 {l2}.");
        L1 = l1; L2 = l2;
    }

    /// <summary>L1 factor.</summary>
    public double L1 { get; }
    /// <summary>L2 factor.</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (L1 != 0 || L2 != 0)
        {
            var penalty = Tensor.Scalar(0f, x.Device);
            if (L1 != 0) penalty = Ops.Add(penalty, Ops.Multiply(Ops.Sum(Ops.Abs(x)), (float)L1));
            if (L2 != 0) penalty = Ops.Add(penalty, Ops.Multiply(Ops.Sum(Ops.Square(x)), (float)L2));
            // Keras divides by the batch size so the penalty's strength does not depend on it.
            AddLoss(x.Rank > 0 ? Ops.Multiply(penalty, 1f / Math.Max(x.Shape[0], 1)) : penalty);
        }
        return x;
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
