using Graft.Autograd;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Autograd;

/// <summary>
/// The fused LSTM kernel against the same recurrence written step by step in plain ops
/// (values and gradients), and against finite differences.
/// </summary>
public class LstmSequenceTests
{
    /// <summary>The LSTM recurrence in elementary ops: the definition the fused kernel must match.</summary>
    private static Tensor Unrolled(Tensor p, Tensor u, Tensor? mask, bool goBackwards, bool returnSequences, float[]? stepMask = null)
    {
        int n = p.Shape[0], steps = p.Shape[1], units = u.Shape[0];
        Tensor h = Tensor.Zeros(n, units), c = Tensor.Zeros(n, units);
        var outputs = new List<Tensor>();
        Tensor Gate(Tensor z, int k) => Ops.Slice(z, [0, k * units], [n, units], [1, 1]);
        for (int s = 0; s < steps; s++)
        {
            int t = goBackwards ? steps - 1 - s : s;
            var xt = Ops.Reshape(Ops.Slice(p, [0, t, 0], [n, 1, 4 * units], [1, 1, 1]), n, 4 * units);
            var z = Ops.Add(xt, Ops.MatMul(mask is null ? h : Ops.Multiply(h, mask), u));
            var i = Ops.Sigmoid(Gate(z, 0)); var f = Ops.Sigmoid(Gate(z, 1));
            var g = Ops.Tanh(Gate(z, 2)); var o = Ops.Sigmoid(Gate(z, 3));
            var cNew = Ops.Add(Ops.Multiply(f, c), Ops.Multiply(i, g));
            var hNew = Ops.Multiply(o, Ops.Tanh(cNew));
            if (stepMask is not null)
            {
                // Padding: the sample keeps its state; spelled out per row with Where.
                var keep = Tensor.FromArray(Enumerable.Range(0, n).Select(r => stepMask[r * steps + t]).ToArray(), n, 1);
                var isReal = Ops.Greater(keep, Tensor.Scalar(0.5f));
                cNew = Ops.Where(isReal, cNew, c); hNew = Ops.Where(isReal, hNew, h);
            }
            c = cNew; h = hNew;
            outputs.Add(h);
        }
        return returnSequences ? Ops.Stack(outputs, 1) : h;
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, true, true)]
    [InlineData(true, true, false, true)]
    public void MatchesUnrolledOps(bool returnSequences, bool goBackwards, bool masked, bool padded = false)
    {
        var gen = new Generator(3);
        var p = Tensor.RandomNormal([5, 7, 12], generator: gen);
        var u = Tensor.RandomNormal([3, 12], 0f, 0.5f, gen);
        var mask = masked ? Ops.Multiply(Ops.DropoutMask([5, 3], 0.3f, gen), 1f / 0.7f) : null;
        // Padding at the end, at the start and in the middle of different samples.
        float[]? steps = padded ? Enumerable.Range(0, 35).Select(k => (k / 7, k % 7) switch
        {
            (0, >= 5) or (1, < 2) or (2, 3) or (4, _) => 0f,
            _ => 1f,
        }).ToArray() : null;
        var stepMask = steps is null ? null : Tensor.FromArray(steps, 5, 7);

        Tensor[] Grads(Func<Tensor, Tensor, Tensor> f)
        {
            var pc = p.Clone(); var uc = u.Clone();
            pc.RequiresGrad = uc.RequiresGrad = true;
            var y = f(pc, uc);
            Ops.Sum(Ops.Multiply(y, y)).Backward();
            return [y, pc.Grad!, uc.Grad!];
        }

        var fused = Grads((a, b) => Ops.LstmSequence(a, b, mask, goBackwards, returnSequences, stepMask));
        var reference = Grads((a, b) => Unrolled(a, b, mask, goBackwards, returnSequences, steps));
        for (int k = 0; k < 3; k++) Testing.Assertions.Close(reference[k], fused[k], 1e-5f);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void GradientMatchesFiniteDifferences(bool returnSequences, bool goBackwards) =>
        Check(t => Ops.LstmSequence(t[0], t[1], null, goBackwards, returnSequences),
            [Uniform([2, 4, 8], 1), Uniform([2, 8], 2)]);

    [Fact]
    public void ShapesAreChecked()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.LstmSequence(Tensor.Zeros(2, 3, 8), Tensor.Zeros(3, 12), null, false, false));
        Assert.Contains("(u, 4u)", e.Message);
        Assert.Contains("(2, 3, 8)", e.Message);
    }
}
