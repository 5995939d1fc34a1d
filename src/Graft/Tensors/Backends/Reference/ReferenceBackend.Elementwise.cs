namespace Graft.Tensors.Backends;

internal sealed partial class ReferenceBackend
{
    // Keras's SELU constants in full precision (keras/src/activations/activations.py).
    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Φ(x), the standard normal distribution function.</summary>
    private static double Phi(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>φ(x), the standard normal density.</summary>
    private static double PhiDensity(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>
    /// The error function to about 1e-16: its Maclaurin series below |x| = 1.5 (beyond, the
    /// alternating terms grow and cancellation costs digits: 3e-14 at 3), and erfc's continued
    /// fraction (80 terms, evaluated backward) from there, where it has converged to full precision.
    /// </summary>
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z < 1.5)
        {
            // erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
            double term = z, sum = z, z2 = z * z;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -z2 / n;
                sum += term / (2 * n + 1);
            }
            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …)))))
        double f = z;
        for (int k = 80; k >= 1; k--) f = z + k / 2.0 / f;
        double erfc = Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }

    /// <summary>f(x) for each unary op, from its definition.</summary>
    private static double Forward(UnaryOp op, double x, double a, double b) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Square => x * x,
        UnaryOp.Reciprocal => 1 / x,
        UnaryOp.Sign => Math.Sign(x),
        // a = slope below 0, b = cap (NaN for none)
        UnaryOp.Relu => Math.Min(x >= 0 ? x : a * x, double.IsNaN(b) ? double.PositiveInfinity : b),
        UnaryOp.Elu => x > 0 ? x : a * (Math.Exp(x) - 1),
        UnaryOp.Selu => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (Math.Exp(x) - 1),
        UnaryOp.Gelu => x * Phi(x),
        UnaryOp.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        UnaryOp.Sigmoid => Sigmoid(x),
        UnaryOp.HardSigmoid => Math.Clamp(a * x + b, 0, 1),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        UnaryOp.Softsign => x / (1 + Math.Abs(x)),
        UnaryOp.Silu => x * Sigmoid(x),
        UnaryOp.Clip => Math.Min(Math.Max(x, a), b),
        UnaryOp.PowScalar => Math.Pow(x, a),
        UnaryOp.AddScalar => x + a,
        UnaryOp.MulScalar => x * a,
        _ => throw new NotSupportedException($"ReferenceBackend.Unary: expected a known op, got {op}."),
    };

    /// <summary>f'(x) for each unary op, differentiated by hand from <see cref="Forward"/>.</summary>
    private static double Derivative(UnaryOp op, double x, double a, double b)
    {
        switch (op)
        {
            case UnaryOp.Neg: return -1;
            case UnaryOp.Abs: return Math.Sign(x);
            case UnaryOp.Exp: return Math.Exp(x);
            case UnaryOp.Log: return 1 / x;
            case UnaryOp.Sqrt: return 0.5 / Math.Sqrt(x);
            case UnaryOp.Square: return 2 * x;
            case UnaryOp.Reciprocal: return -1 / (x * x);
            case UnaryOp.Sign: return 0;
            case UnaryOp.Relu:
                if (!double.IsNaN(b) && x >= b) return 0;   // flat at and beyond the cap
                return x > 0 ? 1 : a;
            case UnaryOp.Elu: return x > 0 ? 1 : a * Math.Exp(x);
            case UnaryOp.Selu: return x > 0 ? SeluScale : SeluScale * SeluAlpha * Math.Exp(x);
            case UnaryOp.Gelu: return Phi(x) + x * PhiDensity(x);
            case UnaryOp.GeluTanh:
            {
                double c = Math.Sqrt(2 / Math.PI), t = Math.Tanh(c * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            }
            case UnaryOp.Sigmoid: { double s = Sigmoid(x); return s * (1 - s); }
            case UnaryOp.HardSigmoid: { double v = a * x + b; return v > 0 && v < 1 ? a : 0; }
            case UnaryOp.Tanh: { double t = Math.Tanh(x); return 1 - t * t; }
            case UnaryOp.Softplus: return Sigmoid(x);
            case UnaryOp.Softsign: { double d = 1 + Math.Abs(x); return 1 / (d * d); }
            case UnaryOp.Silu: { double s = Sigmoid(x); return s + x * s * (1 - s); }
            case UnaryOp.Clip: return x >= a && x <= b ? 1 : 0;
            case UnaryOp.PowScalar: return a * Math.Pow(x, a - 1);
            case UnaryOp.AddScalar: return 1;
            case UnaryOp.MulScalar: return a;
            default: throw new NotSupportedException($"ReferenceBackend.UnaryBackward: expected a known op, got {op}.");
        }
    }

    public void Unary(UnaryOp op, Tensor x, Tensor y, float a = 0, float b = 0)
    {
        double[] xd = D(x), yd = D(y);
        for (int i = 0; i < yd.Length; i++) yd[i] = Forward(op, xd[i], a, b);
    }

    public void UnaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, float a = 0, float b = 0)
    {
        double[] xd = D(x), gyd = D(gy), gxd = D(gx);
        for (int i = 0; i < gxd.Length; i++) gxd[i] = gyd[i] * Derivative(op, xd[i], a, b);
    }

    private static double Apply(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => Math.Pow(a, b),
        BinaryOp.Maximum => Math.Max(a, b),
        BinaryOp.Minimum => Math.Min(a, b),
        BinaryOp.Greater => a > b ? 1 : 0,
        BinaryOp.GreaterEqual => a >= b ? 1 : 0,
        BinaryOp.Less => a < b ? 1 : 0,
        BinaryOp.LessEqual => a <= b ? 1 : 0,
        BinaryOp.Equal => a == b ? 1 : 0,
        BinaryOp.NotEqual => a != b ? 1 : 0,
        _ => throw new NotSupportedException($"ReferenceBackend.Binary: expected a known op, got {op}."),
    };

    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y)
    {
        double[] ad = D(a), bd = D(b), yd = D(y);
        int[] yDims = y.Shape.Dims, aDims = a.Shape.Dims, bDims = b.Shape.Dims, c = new int[yDims.Length];
        for (int i = 0; i < yd.Length; i++)
        {
            Unravel(i, yDims, c);
            yd[i] = Apply(op, ad[BroadcastIndex(aDims, c)], bd[BroadcastIndex(bDims, c)]);
        }
    }

    public void Where(Tensor condition, Tensor a, Tensor b, Tensor y)
    {
        double[] cd = D(condition), ad = D(a), bd = D(b), yd = D(y);
        int[] yDims = y.Shape.Dims, c = new int[yDims.Length];
        for (int i = 0; i < yd.Length; i++)
        {
            Unravel(i, yDims, c);
            yd[i] = cd[BroadcastIndex(condition.Shape.Dims, c)] != 0 ? ad[BroadcastIndex(a.Shape.Dims, c)] : bd[BroadcastIndex(b.Shape.Dims, c)];
        }
    }

    public void Reduce(ReduceOp op, Tensor x, int[] axes, Tensor y)
    {
        double[] xd = D(x), yd = D(y);
        yd.AsSpan().Fill(op switch { ReduceOp.Sum => 0, ReduceOp.Max => double.NegativeInfinity, _ => double.PositiveInfinity });
        int[] dims = x.Shape.Dims, c = new int[dims.Length];
        // y's flat index: x's coordinates with the reduced axes left out (y may keep them as 1s: same order).
        var kept = Enumerable.Range(0, dims.Length).Where(ax => !axes.Contains(ax)).ToArray();
        var keptDims = kept.Select(ax => dims[ax]).ToArray();
        var kc = new int[kept.Length];
        for (int i = 0; i < xd.Length; i++)
        {
            Unravel(i, dims, c);
            for (int k = 0; k < kept.Length; k++) kc[k] = c[kept[k]];
            int j = Index(keptDims, kc);
            yd[j] = op switch { ReduceOp.Sum => yd[j] + xd[i], ReduceOp.Max => Math.Max(yd[j], xd[i]), _ => Math.Min(yd[j], xd[i]) };
        }
    }

    public void ArgMax(Tensor x, int axis, Tensor y, bool max)
    {
        double[] xd = D(x), yd = D(y);
        var (outer, n, inner) = Around(x.Shape.Dims, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                // The first extreme wins, and a NaN is the extreme, as in NumPy.
                int best = 0;
                for (int k = 1; k < n && !double.IsNaN(xd[(o * n + best) * inner + j]); k++)
                {
                    double v = xd[(o * n + k) * inner + j], bv = xd[(o * n + best) * inner + j];
                    if (double.IsNaN(v) || (max ? v > bv : v < bv)) best = k;
                }
                yd[o * inner + j] = best;
            }
    }

    public void Softmax(Tensor x, int axis, Tensor y, bool log)
    {
        double[] xd = D(x), yd = D(y);
        var (outer, n, inner) = Around(x.Shape.Dims, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int at(int k) => (o * n + k) * inner + j;
                double m = double.NegativeInfinity;
                for (int k = 0; k < n; k++) m = Math.Max(m, xd[at(k)]);
                double sum = 0;
                for (int k = 0; k < n; k++) sum += Math.Exp(xd[at(k)] - m);
                double lse = m + Math.Log(sum);
                for (int k = 0; k < n; k++) yd[at(k)] = log ? xd[at(k)] - lse : Math.Exp(xd[at(k)] - lse);
            }
    }

    public void SoftmaxBackward(Tensor y, Tensor gy, int axis, Tensor gx, bool log)
    {
        // softmax: ∂yₖ/∂xᵢ = yₖ(δₖᵢ − yᵢ), so gxᵢ = yᵢ(gyᵢ − Σₖ gyₖyₖ);
        // log-softmax: ∂yₖ/∂xᵢ = δₖᵢ − softmaxᵢ, so gxᵢ = gyᵢ − e^yᵢ Σₖ gyₖ.
        double[] yd = D(y), gyd = D(gy), gxd = D(gx);
        var (outer, n, inner) = Around(y.Shape.Dims, axis);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int at(int k) => (o * n + k) * inner + j;
                double s = 0;
                for (int k = 0; k < n; k++) s += log ? gyd[at(k)] : gyd[at(k)] * yd[at(k)];
                for (int k = 0; k < n; k++) gxd[at(k)] = log ? gyd[at(k)] - Math.Exp(yd[at(k)]) * s : yd[at(k)] * (gyd[at(k)] - s);
            }
    }
}
