using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>½e² for |e| ≤ δ, else δ(|e| − ½δ), averaged over the last axis.</summary>
public sealed class Huber(float delta = 1f) : Loss
{
    /// <summary>Where the quadratic part ends.</summary>
    public float Delta { get; } = delta > 0 ? delta : throw new ArgumentOutOfRangeException(nameof(delta), $"Huber: expected delta > 0, got {delta}.");
    /// <inheritdoc/>
    public override string Name => "huber_loss";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        var e = Ops.Abs(Ops.Subtract(Align(yTrue, yPred), yPred));
        var quad = Ops.Multiply(Ops.Square(e), 0.5f);
        var lin = Ops.Multiply(Ops.Add(e, -0.5f * Delta), Delta);
        return MeanLast(Ops.Where(Ops.LessEqual(e, Tensor.Scalar(Delta, e.Device)), quad, lin));
    }
}
