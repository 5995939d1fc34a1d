namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a Dense kernel's gradient xᵀ·gz handed to the optimizer's update block by
/// block as it is computed, while each block is in cache, instead of being stored whole and swept
/// again by a separate update pass. Without it the gradient is stored and the optimizer updates the
/// weight after the backward pass.
/// </summary>
internal interface IFusedWeightUpdate
{
    /// <summary>
    /// Computes g = xᵀ·gz for x (B, M) and gz (B, N), with every element's sum exactly as
    /// <see cref="IBackend.MatMul"/> would compute it, and gives each block of rows of g to
    /// <paramref name="update"/>; g is never stored whole.
    /// </summary>
    /// <returns>False, before doing anything, when the product cannot be computed by rows with the same sums; the caller then stores the gradient.</returns>
    bool DenseWeightUpdate(Tensor x, Tensor gz, WeightRangeUpdate update);
}
