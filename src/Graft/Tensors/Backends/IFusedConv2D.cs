namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a convolution with its bias and activation applied in the same pass. Without it <c>Ops.Conv2D</c> runs the
/// primitive convolution, then the bias add and the activation.
/// </summary>
/// <remarks>Its backward pass takes relu's and selu's derivatives from y, as <see cref="IFusedDense"/>'s does.</remarks>
internal interface IFusedConv2D
{
    /// <summary>y = act(conv(x) + bias).</summary>
    void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y, Tensor? bias,
        Kernels.EpilogueActivation activation);
}
