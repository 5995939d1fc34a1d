namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a Dense layer's y = act(x·w + bias) in one GEMM pass, bias and activation
/// applied to each output tile as it is finished. Without it <c>Ops.Dense</c> runs MatMul, the bias
/// add and the activation as separate primitives.
/// </summary>
/// <remarks>
/// The fused ops' backward passes take relu's and selu's derivatives from the output alone: they
/// call <see cref="IBackend.UnaryBackward"/> (or <see cref="IFusedBiasGradient"/>) with y in place of
/// x, so a backend with this capability must compute those two derivatives from y (y &gt; 0 exactly
/// where x &gt; 0, and selu' = y + scale·α below 0).
/// </remarks>
internal interface IFusedDense
{
    /// <summary>y = act(x·w + bias) for x (M, K), w (K, N), bias (N) or null; act is None, Relu or Selu.</summary>
    void Dense(Tensor x, Tensor w, Tensor? bias, Kernels.EpilogueActivation activation, Tensor y);

    /// <summary>
    /// gx = gz·wᵀ for gz (B, N) and w (K, N): the input gradient of a Dense layer, every element
    /// summed exactly as <see cref="IBackend.MatMul"/> would sum it.
    /// </summary>
    void DenseInputGradient(Tensor gz, Tensor w, Tensor gx);
}
