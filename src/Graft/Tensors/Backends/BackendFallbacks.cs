namespace Graft.Tensors.Backends;

/// <summary>
/// The optional capabilities called as if every backend had them: each method uses the backend's
/// own kernel when it implements the capability (<see cref="IFusedBiasGradient"/>,
/// <see cref="IOptimizerKernels"/>, <see cref="IConv2DBackwardPair"/>) and otherwise runs the same formula as primitive calls, so a
/// backend that implements only <see cref="IBackend"/> runs everything. The fallbacks allocate
/// temporaries and make several passes; the fused kernels exist to avoid exactly that.
/// </summary>
internal static class BackendFallbacks
{
    private static Tensor Temp(Tensor like) => Tensor.Empty(like.Shape, zero: false, like.Device);

    /// <summary><see cref="IFusedBiasGradient.UnaryBackwardWithColumnSums"/>, or the gradient then a sum over the leading axes.</summary>
    public static void UnaryBackwardWithColumnSums(this IBackend backend, UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor sums, float a = 0, float b = 0)
    {
        if (backend is IFusedBiasGradient fused) { fused.UnaryBackwardWithColumnSums(op, x, y, gy, gx, sums, a, b); return; }
        backend.UnaryBackward(op, x, y, gy, gx, a, b);
        backend.Reduce(ReduceOp.Sum, gx, Enumerable.Range(0, gx.Rank - 1).ToArray(), sums);
    }

    /// <summary><see cref="IConv2DBackwardPair.Conv2DBackward"/>, or dX then dW by the primitives.</summary>
    public static void Conv2DBackward(this IBackend backend, Tensor x, Tensor kernel, Tensor gy, int groups, in Conv2DGeometry g, Tensor? gx, Tensor? gk)
    {
        if (backend is IConv2DBackwardPair pair) { pair.Conv2DBackward(x, kernel, gy, groups, g, gx, gk); return; }
        if (gx is not null) backend.Conv2DBackwardInput(gy, kernel, groups, g, gx);
        if (gk is not null) backend.Conv2DBackwardKernel(x, gy, groups, g, gk);
    }

    /// <summary><see cref="IConv2DBackwardPair.Conv2DKernelGradientThroughRelu"/>, or false: the caller takes relu's gradient first.</summary>
    public static bool Conv2DKernelGradientThroughRelu(this IBackend backend, Tensor x, Tensor y, Tensor g0, int groups, in Conv2DGeometry g, Tensor gk, Tensor? gb) =>
        backend is IConv2DBackwardPair pair && pair.Conv2DKernelGradientThroughRelu(x, y, g0, groups, g, gk, gb);

    /// <summary>dst += (x − dst)·rate: an exponential moving average, Keras's <c>assign_add((x − m)·(1 − β))</c>.</summary>
    private static void MoveToward(IBackend backend, Tensor dst, Tensor x, float rate, Tensor scratch)
    {
        backend.Binary(BinaryOp.Sub, x, dst, scratch);
        backend.Unary(UnaryOp.MulScalar, scratch, scratch, rate);
        backend.Binary(BinaryOp.Add, dst, scratch, dst);
    }

    private static Tensor Squared(IBackend backend, Tensor g)
    {
        var g2 = Temp(g);
        backend.Binary(BinaryOp.Mul, g, g, g2);
        return g2;
    }

    /// <summary>w −= factor · num / (√den + ε) (or / √(den + ε) with <paramref name="epsilonInside"/>).</summary>
    private static void SubtractRatio(IBackend backend, Tensor w, Tensor num, Tensor den, float factor, float epsilon, bool epsilonInside, Tensor scratch)
    {
        if (epsilonInside) { backend.Unary(UnaryOp.AddScalar, den, scratch, epsilon); backend.Unary(UnaryOp.Sqrt, scratch, scratch); }
        else { backend.Unary(UnaryOp.Sqrt, den, scratch); backend.Unary(UnaryOp.AddScalar, scratch, scratch, epsilon); }
        backend.Binary(BinaryOp.Div, num, scratch, scratch);
        backend.Unary(UnaryOp.MulScalar, scratch, scratch, -factor);
        backend.Binary(BinaryOp.Add, w, scratch, w);
    }

    // m = μ·m − lr·g;  w += m  (Nesterov: w += μ·m − lr·g)
    /// <summary>SGD, with momentum when a velocity slot is given.</summary>
    public static void SgdStep(this IBackend backend, Tensor w, Tensor g, Tensor? velocity, float lr, float momentum, bool nesterov)
    {
        if (backend is IOptimizerKernels k) { k.SgdStep(w, g, velocity, lr, momentum, nesterov); return; }
        if (velocity is null) { backend.Axpy(-lr, g, w); return; }
        backend.Unary(UnaryOp.MulScalar, velocity, velocity, momentum);
        backend.Axpy(-lr, g, velocity);
        if (!nesterov) { backend.Binary(BinaryOp.Add, w, velocity, w); return; }
        backend.Axpy(momentum, velocity, w);
        backend.Axpy(-lr, g, w);
    }

    // m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  (AMSGrad: v̂ = max(v̂, v));  w −= α·m / (√v + ε)
    /// <summary>Adam (AMSGrad with a vHat slot); <paramref name="alpha"/> already holds the bias corrections.</summary>
    public static void AdamStep(this IBackend backend, Tensor w, Tensor g, Tensor m, Tensor v, Tensor? vHat, float alpha, float beta1, float beta2, float epsilon)
    {
        if (backend is IOptimizerKernels k) { k.AdamStep(w, g, m, v, vHat, alpha, beta1, beta2, epsilon); return; }
        var scratch = Temp(w);
        MoveToward(backend, m, g, 1f - beta1, scratch);
        MoveToward(backend, v, Squared(backend, g), 1f - beta2, scratch);
        var den = v;
        if (vHat is not null) { backend.Binary(BinaryOp.Maximum, vHat, v, vHat); den = vHat; }
        SubtractRatio(backend, w, m, den, alpha, epsilon, epsilonInside: false, scratch);
    }

    // m, v as Adam;  m̂ = u_{t+1}·m / (1 − Πu_{t+1}) + (1 − u_t)·g / (1 − Πu_t);  v̂ = v / (1 − β2ᵗ);  w −= lr·m̂ / (√v̂ + ε)
    /// <summary>Nadam, with the momentum schedule's factors computed by the optimizer.</summary>
    public static void NadamStep(this IBackend backend, Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float epsilon,
        float uT, float uT1, float uProductT, float uProductT1, float beta2Power)
    {
        if (backend is IOptimizerKernels k) { k.NadamStep(w, g, m, v, lr, beta1, beta2, epsilon, uT, uT1, uProductT, uProductT1, beta2Power); return; }
        var scratch = Temp(w);
        MoveToward(backend, m, g, 1f - beta1, scratch);
        MoveToward(backend, v, Squared(backend, g), 1f - beta2, scratch);
        var mHat = Temp(w);
        backend.Unary(UnaryOp.MulScalar, m, mHat, uT1 / (1f - uProductT1));
        backend.Axpy((1f - uT) / (1f - uProductT), g, mHat);
        var vHat = Temp(w);
        backend.Unary(UnaryOp.MulScalar, v, vHat, 1f / (1f - beta2Power));
        SubtractRatio(backend, w, mHat, vHat, lr, epsilon, epsilonInside: false, scratch);
    }

    // v = ρv + (1−ρ)g²;  centered: a = ρa + (1−ρ)g, denominator v − a²;  increment = lr·g / √(denominator + ε);
    // with momentum: mo = μ·mo + increment, w −= mo;  else w −= increment
    /// <summary>RMSprop, centered when a mean-gradient slot is given, with momentum when a momentum slot is.</summary>
    public static void RmsPropStep(this IBackend backend, Tensor w, Tensor g, Tensor v, Tensor? meanGrad, Tensor? momentumSlot, float lr, float rho, float momentum, float epsilon)
    {
        if (backend is IOptimizerKernels k) { k.RmsPropStep(w, g, v, meanGrad, momentumSlot, lr, rho, momentum, epsilon); return; }
        var scratch = Temp(w);
        backend.Unary(UnaryOp.MulScalar, v, v, rho);
        backend.Axpy(1f - rho, Squared(backend, g), v);
        var den = v;
        if (meanGrad is not null)
        {
            backend.Unary(UnaryOp.MulScalar, meanGrad, meanGrad, rho);
            backend.Axpy(1f - rho, g, meanGrad);
            den = Squared(backend, meanGrad);
            backend.Binary(BinaryOp.Sub, v, den, den);
        }
        if (momentumSlot is null) { SubtractRatio(backend, w, g, den, lr, epsilon, epsilonInside: true, scratch); return; }
        // The increment goes to the momentum slot first: mo = μ·mo + increment, then w −= mo.
        backend.Unary(UnaryOp.MulScalar, momentumSlot, momentumSlot, momentum);
        var negated = Temp(w);
        backend.Fill(negated, 0f);
        SubtractRatio(backend, negated, g, den, lr, epsilon, epsilonInside: true, scratch);   // −increment
        backend.Binary(BinaryOp.Sub, momentumSlot, negated, momentumSlot);
        backend.Binary(BinaryOp.Sub, w, momentumSlot, w);
    }

    // a += g²;  w −= lr·g / √(a + ε)
    /// <summary>Adagrad.</summary>
    public static void AdagradStep(this IBackend backend, Tensor w, Tensor g, Tensor accumulator, float lr, float epsilon)
    {
        if (backend is IOptimizerKernels k) { k.AdagradStep(w, g, accumulator, lr, epsilon); return; }
        backend.Binary(BinaryOp.Add, accumulator, Squared(backend, g), accumulator);
        SubtractRatio(backend, w, g, accumulator, lr, epsilon, epsilonInside: true, Temp(w));
    }
}
