namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: batch normalization over the last axis in a few passes. Without it the ops
/// compose moments, subtraction, products and sums, each writing a full tensor (and as many again
/// in the backward pass).
/// </summary>
/// <remarks>All tensors are viewed as (rows × C), C the last axis of x; per-channel tensors have C elements.</remarks>
internal interface IFusedBatchNorm
{
    /// <summary>The batch's mean and biased variance per channel.</summary>
    void BatchMoments(Tensor x, Tensor mean, Tensor variance);

    /// <summary>y = x·scale + shift, per channel: batch normalization once its statistics are folded in.</summary>
    void ScaleShift(Tensor x, Tensor scale, Tensor shift, Tensor y);

    /// <summary>
    /// The gradients of y = (x − mean)·invStd·γ + β with mean and invStd the batch's own statistics
    /// (so dx includes the path through them); null outputs are not computed, null γ means 1.
    /// </summary>
    void BatchNormBackward(Tensor x, Tensor gy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? gx, Tensor? gGamma, Tensor? gBeta);

    /// <summary>y = max(x·scale + shift, 0), per channel: a batch normalization and the relu after it in one pass.</summary>
    void ScaleShiftRelu(Tensor x, Tensor scale, Tensor shift, Tensor y);

    /// <summary>
    /// <see cref="BatchNormBackward"/> for y = max(x·scale + shift, 0), the relu's gradient taken
    /// on the way: gy counts where x·scale + shift (the forward pass's <paramref name="scale"/> and
    /// <paramref name="shift"/>) is above zero.
    /// </summary>
    void BatchNormReluBackward(Tensor x, Tensor gy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor scale, Tensor shift,
        Tensor? gx, Tensor? gGamma, Tensor? gBeta);
}
