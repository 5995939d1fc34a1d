using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

/// <summary>
/// Differentiable tensor operations, the counterpart of <c>keras.ops</c>. Each op computes its
/// result through the tensor's backend and, when an input needs a gradient, records the rule
/// that maps the output's gradient to the inputs' (written above each rule).
/// </summary>
public static partial class Ops
{
    internal static Tensor Unary(UnaryOp op, Tensor x, float a = 0, float b = 0)
    {
        var y = Tensor.Empty(x.Shape, zero: false, x.Device);
        x.Backend.Unary(op, x, y, a, b);
        if (!Tensor.NeedsGrad(x)) return y;
        if (IsPlainRelu(op, a, b))
        {
            // From the output alone (y > 0 exactly where x > 0, NaN and −0 included: the same
            // gradient to the bit), as PyTorch's in-place relu does: x's values are not kept, so a
            // model can give them back as soon as the forward pass has read them (see
            // Layer.KeepsInputsForBackward).
            // The mask is applied element by element, so it may overwrite the gradient it is given
            // when the sweep owns that memory (Backward: no one else holds it).
            return Tensor.RecordInPlace(y, op.ToString(), (gy, overwritable) =>
            {
                var gx = overwritable && gy.Device == Device.Cpu ? gy : Tensor.Empty(y.Shape, zero: false, y.Device);
                y.Backend.UnaryBackward(op, y, y, gy, gx, a, b);
                x.AccumulateGrad(gx);
            }, x);
        }
        return Tensor.Record(y, op.ToString(), gy =>
        {
            var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
            x.Backend.UnaryBackward(op, x, y, gy, gx, a, b);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>max(x, 0): no slope below zero, no cap (the relu whose backward needs only its output).</summary>
    internal static bool IsPlainRelu(UnaryOp op, float a, float b) => op == UnaryOp.Relu && a == 0f && float.IsNaN(b);

    private static Tensor BinaryNoGrad(BinaryOp op, Tensor a, Tensor b, string name)
    {
        var shape = Shape.Broadcast(a.Shape, b.Shape, name);
        var y = Tensor.Empty(shape, zero: false, Tensor.SameDevice(name, a, b));
        a.Backend.Binary(op, a, b, y);
        return y;
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/> (the adjoint of broadcasting).</summary>
    internal static Tensor SumToShape(Tensor g, Shape shape)
    {
        if (g.Shape == shape) return g;
        int lead = g.Rank - shape.Rank;
        var axes = new List<int>();
        for (int i = 0; i < g.Rank; i++)
            if (i < lead || (shape.Dims[i - lead] == 1 && g.Shape.Dims[i] != 1)) axes.Add(i);
        var r = Tensor.Empty(shape, zero: false, g.Device);
        g.Backend.Reduce(ReduceOp.Sum, g, axes.ToArray(), r);
        return r;
    }

    private static Tensor Binary(BinaryOp op, Tensor a, Tensor b, string name, Func<Tensor, (Tensor? ga, Tensor? gb)> rule)
    {
        var y = BinaryNoGrad(op, a, b, name);
        if (!Tensor.NeedsGrad(a, b)) return y;
        return Tensor.Record(y, name, gy =>
        {
            var (ga, gb) = rule(gy);
            if (a.RequiresGrad && ga is not null) a.AccumulateGrad(SumToShape(ga, a.Shape));
            if (b.RequiresGrad && gb is not null) b.AccumulateGrad(SumToShape(gb, b.Shape));
        }, a, b);
    }

    // d(a+b) = (g, g)
    /// <summary>a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, a, b, "Add", g => (g, g));

    // d(a-b) = (g, -g)
    /// <summary>a − b with NumPy broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b) => Binary(BinaryOp.Sub, a, b, "Subtract",
        g => (g, b.RequiresGrad ? Unary(UnaryOp.Neg, g) : null));

    // d(ab) = (g·b, g·a)
    /// <summary>a · b element-wise with NumPy broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b) => Binary(BinaryOp.Mul, a, b, "Multiply",
        g => (a.RequiresGrad ? BinaryNoGrad(BinaryOp.Mul, g, b, "Multiply") : null,
              b.RequiresGrad ? BinaryNoGrad(BinaryOp.Mul, g, a, "Multiply") : null));

    // d(a/b) = (g/b, −g·a/b²)
    /// <summary>a / b element-wise with NumPy broadcasting.</summary>
    public static Tensor Divide(Tensor a, Tensor b) => Binary(BinaryOp.Div, a, b, "Divide",
        g => (a.RequiresGrad ? BinaryNoGrad(BinaryOp.Div, g, b, "Divide") : null,
              b.RequiresGrad ? Unary(UnaryOp.Neg, BinaryNoGrad(BinaryOp.Div, BinaryNoGrad(BinaryOp.Mul, g, a, "Divide"), Unary(UnaryOp.Square, b), "Divide")) : null));

    // d(a^b) = (g·b·a^(b−1), g·a^b·ln a)
    /// <summary>a raised to b element-wise with NumPy broadcasting.</summary>
    public static Tensor Power(Tensor a, Tensor b)
    {
        Tensor? y = null;
        y = Binary(BinaryOp.Pow, a, b, "Power", g => (
            a.RequiresGrad ? Multiply(g, Multiply(b, Power(a, Unary(UnaryOp.AddScalar, b, -1f)))) : null,
            b.RequiresGrad ? Multiply(g, Multiply(y!, Unary(UnaryOp.Log, a))) : null));
        return y;
    }

    // The larger input gets the gradient (a on ties, as TensorFlow does).
    /// <summary>Element-wise maximum with NumPy broadcasting.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(BinaryOp.Maximum, a, b, "Maximum", g =>
    {
        var mask = BinaryNoGrad(BinaryOp.GreaterEqual, a, b, "Maximum");
        return (Multiply(g, mask), Multiply(g, Unary(UnaryOp.AddScalar, Unary(UnaryOp.Neg, mask), 1f)));
    });

    /// <summary>Element-wise minimum with NumPy broadcasting.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(BinaryOp.Minimum, a, b, "Minimum", g =>
    {
        var mask = BinaryNoGrad(BinaryOp.LessEqual, a, b, "Minimum");
        return (Multiply(g, mask), Multiply(g, Unary(UnaryOp.AddScalar, Unary(UnaryOp.Neg, mask), 1f)));
    });

    /// <summary>1 where a &gt; b, else 0 (no gradient).</summary>
    public static Tensor Greater(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.Greater, a, b, "Greater");
    /// <summary>1 where a ≥ b, else 0 (no gradient).</summary>
    public static Tensor GreaterEqual(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.GreaterEqual, a, b, "GreaterEqual");
    /// <summary>1 where a &lt; b, else 0 (no gradient).</summary>
    public static Tensor Less(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.Less, a, b, "Less");
    /// <summary>1 where a ≤ b, else 0 (no gradient).</summary>
    public static Tensor LessEqual(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.LessEqual, a, b, "LessEqual");
    /// <summary>1 where a = b, else 0 (no gradient).</summary>
    public static Tensor Equal(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.Equal, a, b, "Equal");
    /// <summary>1 where a ≠ b, else 0 (no gradient).</summary>
    public static Tensor NotEqual(Tensor a, Tensor b) => BinaryNoGrad(BinaryOp.NotEqual, a, b, "NotEqual");

    // d where(c, a, b) = (g·[c], g·[¬c])
    /// <summary>Elements of <paramref name="a"/> where <paramref name="condition"/> is non-zero, else of <paramref name="b"/> (all broadcast).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        var shape = Shape.Broadcast(Shape.Broadcast(condition.Shape, a.Shape, "Where"), b.Shape, "Where");
        var y = Tensor.Empty(shape, zero: false, Tensor.SameDevice("Where", condition, a, b));
        a.Backend.Where(condition, a, b, y);
        if (!Tensor.NeedsGrad(a, b)) return y;
        return Tensor.Record(y, "Where", g =>
        {
            var zero = Tensor.Scalar(0f, a.Device);
            if (a.RequiresGrad) a.AccumulateGrad(SumToShape(Where(condition, g, zero), a.Shape));
            if (b.RequiresGrad) b.AccumulateGrad(SumToShape(Where(condition, zero, g), b.Shape));
        }, a, b);
    }

    /// <summary>x + c.</summary>
    public static Tensor Add(Tensor x, float c) => Unary(UnaryOp.AddScalar, x, c);
    /// <summary>x · c.</summary>
    public static Tensor Multiply(Tensor x, float c) => Unary(UnaryOp.MulScalar, x, c);
    /// <summary>−x.</summary>
    public static Tensor Negative(Tensor x) => Unary(UnaryOp.Neg, x);
    /// <summary>|x|.</summary>
    public static Tensor Abs(Tensor x) => Unary(UnaryOp.Abs, x);
    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => Unary(UnaryOp.Exp, x);
    /// <summary>Natural logarithm (NaN for negative x, −∞ at 0, as in NumPy).</summary>
    public static Tensor Log(Tensor x) => Unary(UnaryOp.Log, x);
    /// <summary>√x.</summary>
    public static Tensor Sqrt(Tensor x) => Unary(UnaryOp.Sqrt, x);
    /// <summary>x².</summary>
    public static Tensor Square(Tensor x) => Unary(UnaryOp.Square, x);
    /// <summary>1/x.</summary>
    public static Tensor Reciprocal(Tensor x) => Unary(UnaryOp.Reciprocal, x);
    /// <summary>−1, 0 or 1 (zero gradient).</summary>
    public static Tensor Sign(Tensor x) => Unary(UnaryOp.Sign, x);
    /// <summary>xᵖ for a constant exponent.</summary>
    public static Tensor Power(Tensor x, float p) => Unary(UnaryOp.PowScalar, x, p);

    /// <summary>Clamps into [min, max]; the gradient passes where min ≤ x ≤ max.</summary>
    /// <exception cref="ArgumentException">min is greater than max or is NaN.</exception>
    public static Tensor Clip(Tensor x, float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"Clip: expected min <= max, got min {min} and max {max}.");
        return Unary(UnaryOp.Clip, x, min, max);
    }
}
