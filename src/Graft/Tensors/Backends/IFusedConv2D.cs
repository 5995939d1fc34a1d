namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a convolution with its bias and activation applied in the same pass, and
/// the gathered input patches kept for the kernel gradient. Without it <c>Ops.Conv2D</c> runs the
/// primitive convolution, then the bias add and the activation.
/// </summary>
/// <remarks>Its backward pass takes relu's and selu's derivatives from y, as <see cref="IFusedDense"/>'s does.</remarks>
internal interface IFusedConv2D
{
    /// <summary>
    /// y = act(conv(x) + bias). With <paramref name="cols"/> (rows × KH·KW·C, groups 1), the gathered
    /// patches are left there for <see cref="Conv2DBackwardKernel"/> to reuse.
    /// </summary>
    void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y, Tensor? bias,
        Kernels.EpilogueActivation activation, Tensor? cols);

    /// <summary>The kernel gradient, from the patches that <see cref="Conv2D"/> kept in <paramref name="cols"/> when given.</summary>
    void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk, Tensor? cols);
}
