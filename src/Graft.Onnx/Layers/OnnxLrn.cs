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
    public OnnxLrn(int size, float alpha = 1e-4f, float beta = 0.75f, float lrnBias = 1f, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size; Alpha = alpha; Beta = beta; LrnBias = lrnBias;
    }

    public int Size { get; }
    public float Alpha { get; }
    public float Beta { get; }
    /// <summary>ONNX's <c>bias</c> (Keras's config key "bias" means use_bias in old files, so it is written as lrn_bias).</summary>
    public float LrnBias { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        int c = x.Shape[^1], before = (Size - 1) / 2;
        var pads = Enumerable.Repeat((0, 0), x.Rank).ToArray();
        pads[^1] = (before, Size - 1 - before);
        var squares = Ops.Pad(Ops.Square(x), pads);
        var sum = squares.Slice(-1, 0, c);
        for (int k = 1; k < Size; k++) sum = Ops.Add(sum, squares.Slice(-1, k, k + c));
        return Ops.Divide(x, Ops.Power(Ops.Add(Ops.Multiply(sum, Alpha / Size), LrnBias), Beta));
    }

}
