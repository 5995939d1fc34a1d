namespace Graft.Tensors.Backends;

/// <summary>
/// Optional capability: in-place weight updates, each a single pass over the weight and its slots
/// (Keras 3's update_step formulas). Without it the same formulas run as primitive element-wise
/// calls (<see cref="BackendFallbacks"/>).
/// </summary>
internal interface IOptimizerKernels
{
    void SgdStep(Tensor w, Tensor g, Tensor? velocity, float lr, float momentum, bool nesterov);

    /// <summary>
    /// <see cref="SgdStep"/> on elements start .. start + gradient's length of w (and velocity), with
    /// exactly its arithmetic: a weight updated range by range ends bit for bit as one updated whole.
    /// </summary>
    void SgdRange(Tensor w, Tensor? velocity, int start, ReadOnlySpan<float> gradient, float lr, float momentum, bool nesterov);
    void AdamStep(Tensor w, Tensor g, Tensor m, Tensor v, Tensor? vHat, float alpha, float beta1, float beta2, float epsilon);
    void NadamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float epsilon, float uT, float uT1, float uProductT, float uProductT1, float beta2Power);
    void RmsPropStep(Tensor w, Tensor g, Tensor v, Tensor? meanGrad, Tensor? momentumSlot, float lr, float rho, float momentum, float epsilon);
    void AdagradStep(Tensor w, Tensor g, Tensor accumulator, float lr, float epsilon);
}
