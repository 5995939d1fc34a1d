using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// −Σ (y/‖y‖)·(ŷ/‖ŷ‖) along <see cref="Axis"/>: −1 for parallel vectors, 0 for orthogonal ones or a
/// zero vector (the squared norm is floored at ε², as in Keras's <c>normalize</c>).
/// </summary>
public sealed class CosineSimilarity(int axis = -1) : Loss
{
    /// <summary>The axis along which vectors are compared.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override string Name => "cosine_similarity";
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) =>
        Ops.Negative(Ops.Sum(Ops.Multiply(Normalize(Align(yTrue, yPred), Axis), Normalize(yPred, Axis)), [Axis]));

    /// <summary>x·rsqrt(max(Σx², ε²)) along <paramref name="axis"/>.</summary>
    internal static Tensor Normalize(Tensor x, int axis)
    {
        var sq = Ops.Sum(Ops.Square(x), [axis], keepDims: true);
        return Ops.Divide(x, Ops.Sqrt(Ops.Maximum(sq, Tensor.Scalar(Ops.Epsilon * Ops.Epsilon, x.Device))));
    }
}
