using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// An element-wise ONNX operator that no Keras layer computes with ONNX's parameters: <c>Erf</c>, <c>Sqrt</c>,
/// <c>Exp</c>, <c>Log</c>, <c>Abs</c>, <c>Neg</c>, <c>Reciprocal</c>, <c>Clip</c> (<see cref="Alpha"/> and
/// <see cref="Beta"/> are the bounds), <c>HardSigmoid</c> (<c>max(0, min(1, αx + β))</c>), <c>HardSwish</c>,
/// and <c>LogSoftmax</c> along <see cref="Axis"/>.
/// </summary>
internal sealed class OnnxUnaryOp : Layer
{
    public static readonly string[] Operations = ["erf", "sqrt", "exp", "log", "abs", "neg", "reciprocal", "clip", "hard_sigmoid", "hard_swish", "log_softmax"];

    public OnnxUnaryOp(string operation, float alpha = 0f, float beta = 0f, int axis = -1, string? name = null) : base(name)
    {
        if (!Operations.Contains(operation)) throw new ArgumentException($"OnnxUnaryOp: expected an operation in {string.Join(", ", Operations)}, got '{operation}'.");
        Operation = operation; Alpha = alpha; Beta = beta; Axis = axis;
    }

    public string Operation { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public int Axis { get; }

    protected override Tensor Forward(Tensor x, bool training) => Operation switch
    {
        "erf" => Erf(x),
        "sqrt" => Ops.Sqrt(x),
        "exp" => Ops.Exp(x),
        "log" => Ops.Log(x),
        "abs" => Ops.Abs(x),
        "neg" => Ops.Negative(x),
        "reciprocal" => Ops.Reciprocal(x),
        "clip" => Ops.Clip(x, Alpha, Beta),
        "hard_sigmoid" => Ops.Clip(Ops.Add(Ops.Multiply(x, Alpha), Beta), 0f, 1f),
        // ONNX's HardSwish: x · max(0, min(1, x/6 + 1/2)), Keras's hard_swish.
        "hard_swish" => Ops.Multiply(x, Ops.Clip(Ops.Add(Ops.Multiply(x, 1f / 6f), 0.5f), 0f, 1f)),
        _ => Ops.LogSoftmax(x, Axis),
    };

    /// <summary>
    /// erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, under float32's resolution near 1),
    /// composed of differentiable ops so that it trains.
    /// </summary>
    private static Tensor Erf(Tensor x)
    {
        var ax = Ops.Abs(x);
        var t = Ops.Reciprocal(Ops.Add(Ops.Multiply(ax, 0.3275911f), 1f));
        var poly = Ops.Add(Ops.Multiply(t, 1.061405429f), -1.453152027f);
        poly = Ops.Add(Ops.Multiply(poly, t), 1.421413741f);
        poly = Ops.Add(Ops.Multiply(poly, t), -0.284496736f);
        poly = Ops.Add(Ops.Multiply(poly, t), 0.254829592f);
        poly = Ops.Multiply(poly, t);
        var y = Ops.Add(Ops.Negative(Ops.Multiply(poly, Ops.Exp(Ops.Negative(Ops.Square(x))))), 1f);
        return Ops.Multiply(Ops.Sign(x), y);
    }

}
