namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: an activation's gradient and its bias's gradient (the column sums) in one
/// pass while each block is in cache, for the fused Dense and convolution epilogues. Without it,
/// <see cref="IBackend.UnaryBackward"/> then a <see cref="IBackend.Reduce"/> sum.
/// </summary>
internal interface IFusedBiasGradient
{
    /// <summary>
    /// <see cref="IBackend.UnaryBackward"/> and the column sums of gx over all leading axes into
    /// <paramref name="sums"/>.
    /// </summary>
    void UnaryBackwardWithColumnSums(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor sums, float a = 0, float b = 0);
}
