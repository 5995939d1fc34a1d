using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>LRN</c> (local response normalization across channels, AlexNet's and GoogLeNet's) on a
/// channels-last input: <c>x / (bias + α/size · Σ x²)^β</c>, the sum over the <see cref="Size"/> channels
/// around each one (⌊(size−1)/2⌋ before, ⌈(size−1)/2⌉ after).
/// </summary>
internal sealed class OnnxLrn : Layer
{
    public OnnxLrn(int size, float alpha = 1e-4f, float beta = 0.75f, float bias = 1f, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size; Alpha = alpha; Beta = beta; Bias = bias;
    }

    public int Size { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public float Bias { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        int c = x.Shape[^1], before = (Size - 1) / 2;
        var pads = Enumerable.Repeat((0, 0), x.Rank).ToArray();
        pads[^1] = (before, Size - 1 - before);
        var squares = Ops.Pad(Ops.Square(x), pads);
        var sum = squares.Slice(-1, 0, c);
        for (int k = 1; k < Size; k++) sum = Ops.Add(sum, squares.Slice(-1, k, k + c));
        return Ops.Divide(x, Ops.Power(Ops.Add(Ops.Multiply(sum, Alpha / Size), Bias), Beta));
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = Size; c["alpha"] = Alpha; c["beta"] = Beta; c["lrn_bias"] = Bias;
        return c;
    }
}
