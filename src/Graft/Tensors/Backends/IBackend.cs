namespace Graft.Tensors.Backends;

/// <summary>Element-wise functions of one tensor. Parameters <c>a</c>, <c>b</c> are per-op constants.</summary>
internal enum UnaryOp
{
    Neg, Abs, Exp, Log, Sqrt, Square, Reciprocal, Sign,
    Relu,        // a = negative slope, b = max value (NaN for none), threshold via Clip/compose
    Elu,         // a = alpha
    Selu,
    Gelu,        // exact, erf-based (Keras approximate=False)
    GeluTanh,    // tanh approximation (Keras approximate=True)
    Sigmoid, HardSigmoid, Tanh, Softplus, Softsign, Silu,
    Clip,        // a = min, b = max
    PowScalar,   // a = exponent
    AddScalar,   // a = addend
    MulScalar,   // a = factor
}

/// <summary>Element-wise functions of two broadcast tensors.</summary>
internal enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum,
    Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual,
}

/// <summary>Reductions along axes.</summary>
internal enum ReduceOp { Sum, Max, Min }

/// <summary>Geometry of a 2-D convolution or pooling window over NHWC data.</summary>
internal readonly record struct Conv2DGeometry(
    int N, int H, int W, int C,            // input
    int KH, int KW,                        // window
    int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft,               // zero padding before (after is implied by OH, OW)
    int OH, int OW)                        // output
{
    public int Rows => N * OH * OW;

    /// <summary>A 1×1, stride-1, unpadded window: the input already is the patch matrix.</summary>
    public bool IsPointwise(int groups) =>
        groups == 1 && KH == 1 && KW == 1 && StrideH == 1 && StrideW == 1 && PadTop == 0 && PadLeft == 0 && OH == H && OW == W;
}

/// <summary>
/// The narrow seam between tensors and the hardware: every op's arithmetic, forward and backward,
/// goes through these calls. The CPU backend implements them in managed SIMD code; a GPU backend
/// implements the same list and nothing above it changes.
/// </summary>
internal interface IBackend
{
    TensorStorage Allocate(int length, bool zero);
    /// <summary>Host-to-device: dst's elements from <paramref name="src"/> (dst.Size long).</summary>
    void Upload(ReadOnlySpan<float> src, Tensor dst);
    /// <summary>Device-to-host: dst.Length elements of src from flat index <paramref name="start"/>.</summary>
    void Download(Tensor src, int start, Span<float> dst);
    void Copy(Tensor src, Tensor dst);
    void Fill(Tensor dst, float value);

    void Unary(UnaryOp op, Tensor x, Tensor y, float a = 0, float b = 0);
    /// <summary>gx = gy · f'(x), given x and y = f(x).</summary>
    void UnaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, float a = 0, float b = 0);
    /// <summary>
    /// <see cref="UnaryBackward"/> and, in the same pass while each block is in cache, the column
    /// sums of gx over all leading axes into <paramref name="sums"/> (an activation's gradient and its
    /// bias's gradient at once).
    /// </summary>
    void UnaryBackwardWithColumnSums(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor sums, float a = 0, float b = 0);
    void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y);
    void Where(Tensor condition, Tensor a, Tensor b, Tensor y);
    /// <summary>dst += alpha · src (same size); the optimizers' and accumulators' workhorse.</summary>
    void Axpy(float alpha, Tensor src, Tensor dst);

    void Reduce(ReduceOp op, Tensor x, int[] axes, Tensor y);
    void ArgMax(Tensor x, int axis, Tensor y, bool max);
    void Softmax(Tensor x, int axis, Tensor y, bool log);
    void SoftmaxBackward(Tensor y, Tensor gy, int axis, Tensor gx, bool log);

    void Permute(Tensor x, int[] perm, Tensor y);
    /// <summary>y = x[starts : starts+y.shape : steps] (a box of x); with add, the reverse: x-shaped y += scatter.</summary>
    void SliceCopy(Tensor x, int[] starts, int[] steps, Tensor y);
    void SliceScatterAdd(Tensor gy, int[] starts, int[] steps, Tensor gx);
    void Gather(Tensor x, int axis, int[] indices, Tensor y);
    void GatherBackward(Tensor gy, int axis, int[] indices, Tensor gx);
    void Concat(Tensor[] xs, int axis, Tensor y);

    /// <summary>Batched c = op(a)·op(b) over leading dims (broadcast batch of 1), accumulate into c when asked.</summary>
    void MatMul(Tensor a, bool transA, Tensor b, bool transB, Tensor c, bool accumulate);

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

    /// <summary>y = act(x·w + bias) for x (M, K), w (K, N), bias (N) or null; act is None, Relu or Selu.</summary>
    void Dense(Tensor x, Tensor w, Tensor? bias, Kernels.EpilogueActivation activation, Tensor y);

    /// <summary>
    /// y = act(conv(x) + bias). With <paramref name="cols"/> (rows × KH·KW·C, groups 1), the gathered
    /// patches are left there for <see cref="Conv2DBackwardKernel"/> to reuse.
    /// </summary>
    void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y, Tensor? bias = null,
        Kernels.EpilogueActivation activation = Kernels.EpilogueActivation.None, Tensor? cols = null);
    void Conv2DBackwardInput(Tensor gy, Tensor kernel, int groups, in Conv2DGeometry g, Tensor gx);
    void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk, Tensor? cols = null);

    // Optimizer updates, in place on the weight and its slots (Keras 3's update_step formulas).
    void SgdStep(Tensor w, Tensor g, Tensor? velocity, float lr, float momentum, bool nesterov);
    void AdamStep(Tensor w, Tensor g, Tensor m, Tensor v, Tensor? vHat, float alpha, float beta1, float beta2, float epsilon);
    void NadamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float epsilon, float uT, float uT1, float uProductT, float uProductT1, float beta2Power);
    void RmsPropStep(Tensor w, Tensor g, Tensor v, Tensor? meanGrad, Tensor? momentumSlot, float lr, float rho, float momentum, float epsilon);
    void AdagradStep(Tensor w, Tensor g, Tensor accumulator, float lr, float epsilon);

    void MaxPool2D(Tensor x, in Conv2DGeometry g, Tensor y);
    /// <summary>Routes gy to the first maximal element of each window (found again by comparing x with y).</summary>
    void MaxPool2DBackward(Tensor x, Tensor y, Tensor gy, in Conv2DGeometry g, Tensor gx);
    void AvgPool2D(Tensor x, in Conv2DGeometry g, Tensor y);
    void AvgPool2DBackward(Tensor gy, in Conv2DGeometry g, Tensor gx);
}

/// <summary>Picks the backend for a device.</summary>
internal static class Backend
{
    private static readonly IBackend s_cpu = new CpuBackend();
    public static IBackend For(Device device) => device switch
    {
        Device.Cpu => s_cpu,
        _ => throw new NotSupportedException($"Backend: expected a supported device, got {device}."),
    };
}
