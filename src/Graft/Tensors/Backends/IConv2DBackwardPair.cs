namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a convolution's two gradients, dX and dW, in one call, so that the backend
/// may compute them side by side, and a first layer's kernel gradient taken through its relu.
/// Without it, <see cref="IBackend.Conv2DBackwardInput"/> then <see cref="IBackend.Conv2DBackwardKernel"/>.
/// </summary>
internal interface IConv2DBackwardPair
{
    /// <summary>
    /// gx = dX and gk = dW of the convolution of x with kernel whose output gradient is gy, each
    /// bit for bit what <see cref="IBackend.Conv2DBackwardInput"/> and
    /// <see cref="IBackend.Conv2DBackwardKernel"/> write; a null target is not computed.
    /// </summary>
    void Conv2DBackward(Tensor x, Tensor kernel, Tensor gy, int groups, in Conv2DGeometry g, Tensor? gx, Tensor? gk);

    /// <summary>
    /// For a convolution y = relu(conv(x, kernel) + bias) whose input needs no gradient (a first
    /// layer): gk = dW and, when given, gb = the bias gradient, from the gradient <paramref name="g0"/>
    /// of y, without writing relu's gradient dY = relu'(y) ⊙ g0 out first. Returns false, computing
    /// nothing, where the backend has no such kernel for this shape.
    /// </summary>
    bool Conv2DKernelGradientThroughRelu(Tensor x, Tensor y, Tensor g0, int groups, in Conv2DGeometry g, Tensor gk, Tensor? gb);
}
