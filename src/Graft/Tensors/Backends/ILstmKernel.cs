namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: a whole LSTM sequence (forward and backpropagation through time) as one
/// kernel. Without it <c>Ops.LstmSequence</c> composes each step from primitive ops.
/// </summary>
internal interface ILstmKernel
{
    /// <summary>
    /// A whole LSTM sequence (sigmoid gates, tanh cell) from the projected inputs p (N, T, 4u), recurrent
    /// kernel u (u, 4u) and optional recurrent dropout mask (N, u), step order reversed with goBackwards.
    /// Fills h (T+1, N, u) and c (T+1, N, u) (row 0: zero state) and the activated gates (T, N, 4u).
    /// Where stepMask (N, T) is 0, that sample's state is carried over unchanged (Keras's masked step).
    /// </summary>
    void LstmForward(Tensor p, Tensor u, Tensor? mask, Tensor? stepMask, bool goBackwards, Tensor h, Tensor c, Tensor gates);

    /// <summary>
    /// Gradients of <see cref="LstmForward"/>: from dh (T, N, u) (the gradient reaching each step's h,
    /// in step order), adds into gp (N, T, 4u) when not null and gu (u, 4u) when not null.
    /// </summary>
    void LstmBackward(Tensor u, Tensor? mask, Tensor? stepMask, bool goBackwards, Tensor h, Tensor c, Tensor gates, Tensor dh, Tensor? gp, Tensor? gu);
}
