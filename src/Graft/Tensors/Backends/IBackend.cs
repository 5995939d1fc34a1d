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
/// The primitives a device must provide: storage and host transfers, element-wise maps, reductions,
/// layout (permute, slice, gather, concatenate), matrix products, convolution and pooling, each with
/// the backward passes autograd needs. Everything above is written in terms of these, so a GPU or a
/// reference backend implements this list and nothing above it changes. Faster paths a backend may
/// add are separate, optional capabilities (<see cref="IFusedDense"/>, <see cref="IFusedConv2D"/>,
/// <see cref="IFusedBiasGradient"/>, <see cref="ILstmKernel"/>, <see cref="IOptimizerKernels"/>): the ops
/// use them when the backend has them and compose these primitives when it does not.
/// </summary>
/// <remarks>
/// Operands of a call share one device; outputs are preallocated by the caller with the right shape.
/// Element-wise calls (<see cref="Unary"/>, <see cref="Binary"/> of equal shapes) allow the output to
/// be an input (in-place updates).
/// </remarks>
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
    void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y);
    void Where(Tensor condition, Tensor a, Tensor b, Tensor y);
    /// <summary>dst += alpha · src (same size); the optimizers' and accumulators' workhorse.</summary>
    void Axpy(float alpha, Tensor src, Tensor dst);

    void Reduce(ReduceOp op, Tensor x, int[] axes, Tensor y);
    void ArgMax(Tensor x, int axis, Tensor y, bool max);
    void Softmax(Tensor x, int axis, Tensor y, bool log);
    void SoftmaxBackward(Tensor y, Tensor gy, int axis, Tensor gx, bool log);

    void Permute(Tensor x, int[] perm, Tensor y);
    /// <summary>y = x[starts : starts+y.shape : steps] (a box of x).</summary>
    void SliceCopy(Tensor x, int[] starts, int[] steps, Tensor y);
    /// <summary>The reverse of <see cref="SliceCopy"/>: the box of gx at starts/steps += gy.</summary>
    void SliceScatterAdd(Tensor gy, int[] starts, int[] steps, Tensor gx);
    void Gather(Tensor x, int axis, int[] indices, Tensor y);
    void GatherBackward(Tensor gy, int axis, int[] indices, Tensor gx);
    void Concat(Tensor[] xs, int axis, Tensor y);

    /// <summary>Batched c = op(a)·op(b) over leading dims (broadcast batch of 1), accumulate into c when asked.</summary>
    void MatMul(Tensor a, bool transA, Tensor b, bool transB, Tensor c, bool accumulate);

    /// <summary>y = conv(x, kernel) over NHWC data with a Keras-layout kernel (KH, KW, C/groups, Cout).</summary>
    void Conv2D(Tensor x, Tensor kernel, int groups, in Conv2DGeometry g, Tensor y);
    void Conv2DBackwardInput(Tensor gy, Tensor kernel, int groups, in Conv2DGeometry g, Tensor gx);
    void Conv2DBackwardKernel(Tensor x, Tensor gy, int groups, in Conv2DGeometry g, Tensor gk);

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
    private static readonly IBackend s_reference = new ReferenceBackend();
    public static IBackend For(Device device) => device switch
    {
        Device.Cpu => s_cpu,
        Device.Reference => s_reference,
        _ => throw new NotSupportedException($"Backend: expected a supported device, got {device}."),
    };
}
