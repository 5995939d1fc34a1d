using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU's Dense input gradient gz·wᵀ, computed for small batches as (w·gzᵀ)ᵀ: equal to the bit
/// to the CPU's own MatMul (so training is unchanged) and to float64 arithmetic within rounding, for
/// any thread count, at edge shapes, and where the sums would be split (then it is MatMul itself).
/// </summary>
public class DenseInputGradientTests
{
    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    [Theory]
    [InlineData(32, 300, 100)]   // Géron's second layer at batch 32
    [InlineData(32, 784, 300)]
    [InlineData(1, 1, 1)]        // batch 1, one input, one unit
    [InlineData(7, 13, 5)]       // nothing a multiple of the micro-tiles
    [InlineData(64, 50, 1)]      // one unit: both operands read in place
    [InlineData(3, 1, 40)]
    [InlineData(40, 2000, 1100)] // deep enough for several K panels
    [InlineData(4, 30, 3000)]    // summed by Gemm in chunks of K: computed as MatMul
    [InlineData(65, 20, 30)]     // above the batch of the transposed form
    public void EqualsMatMulAndTheReference(int batch, int inputs, int units)
    {
        var g = new Generator(batch * 7 + inputs + units);
        var gz = Tensor.RandomNormal([batch, units], generator: g);
        var w = Tensor.RandomNormal([inputs, units], generator: g);
        var product = Ops.MatMul(gz, w, transposeB: true).ToArray();
        var reference = GradCheck.Values(Ops.MatMul(gz.To(Device.Reference), w.To(Device.Reference), transposeB: true));
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var _ = new GraftContext { Threads = threads }.Use();
            var gx = Tensor.Full(float.NaN, [batch, inputs]);
            ((IFusedDense)gz.Backend).DenseInputGradient(gz, w, gx);
            Assert.Equal(product.Select(Bits), gx.ToArray().Select(Bits));
            GradCheck.Close($"gz·wᵀ under {threads} threads", GradCheck.Values(gx), reference);
        }
    }
}
