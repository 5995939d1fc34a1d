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
}
