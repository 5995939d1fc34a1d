namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: relu(a + b) in one pass over equal shapes, for a residual block's end in
/// inference. Without it, <see cref="IBackend.Binary"/> then an in-place <see cref="IBackend.Unary"/>.
/// </summary>
internal interface IFusedAddRelu
{
    /// <summary>y = max(a + b, 0) element-wise, with the bits of the two separate ops; y may be a or b.</summary>
    void AddRelu(Tensor a, Tensor b, Tensor y);
}
