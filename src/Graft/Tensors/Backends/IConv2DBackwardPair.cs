namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a convolution's two gradients, dX and dW, in one call, so that the backend
/// may compute them side by side. Without it, <see cref="IBackend.Conv2DBackwardInput"/> then
/// <see cref="IBackend.Conv2DBackwardKernel"/>.
/// </summary>
internal interface IConv2DBackwardPair
{
    /// <summary>
    /// gx = dX and gk = dW of the convolution of x with kernel whose output gradient is gy, each
    /// bit for bit what <see cref="IBackend.Conv2DBackwardInput"/> and
    /// <see cref="IBackend.Conv2DBackwardKernel"/> write; a null target is not computed.
    /// </summary>
    void Conv2DBackward(Tensor x, Tensor kernel, Tensor gy, int groups, in Conv2DGeometry g, Tensor? gx, Tensor? gk);
}
