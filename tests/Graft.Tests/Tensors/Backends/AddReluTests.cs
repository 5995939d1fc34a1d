using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU's one-pass relu(a + b) (a residual block's end in inference) against float64 arithmetic
/// against the reference backend's two separate ops and the CPU's own, in both vector widths (8 lanes, and the
/// 4 lanes of ARM64 forced on any machine), with scalar tails, signed zeros and NaN.
/// </summary>
public class AddReluTests
{
    private static float[] Values(int n, int seed)
    {
        var v = Tensor.RandomUniform([n], -2, 2, new Generator(seed)).ToArray();
        if (n > 2) { v[0] = -0f; v[n / 2] = float.NaN; }
        return v;
    }

    // NaN's payload bits are the hardware's to choose; every other value must agree to the bit.
    private static int Bits(float v) => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v);

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 37)]
    [InlineData(false, 37)]
    [InlineData(false, 3)]
    [InlineData(true, 64)]
    public void MatchesTheSumInDoubleThenTheRelu(bool wide, int n)
    {
        float[] a = Values(n, 1), b = Values(n, 2), y = new float[n];
        CpuBackend.AddRelu(a, b, y, wide);
        // A float sum is the double sum rounded once; relu keeps NaN.
        var expected = a.Zip(b, (p, q) => { double s = (double)p + q; return double.IsNaN(s) ? float.NaN : (float)Math.Max(s, 0); });
        Assert.Equal(expected.Select(Bits), y.Select(Bits));
    }

    [Fact]
    public void EqualsTheReferenceBackendsAddThenRelu()
    {
        float[] a = Values(101, 3), b = Values(101, 4);
        var (ca, cb) = (Tensor.FromArray(a, [101], Device.Cpu), Tensor.FromArray(b, [101], Device.Cpu));
        var y = Tensor.Zeros([101], Device.Cpu);
        ((IFusedAddRelu)ca.Backend).AddRelu(ca, cb, y);
        var reference = Ops.Relu(Ops.Add(Tensor.FromArray(a, [101], Device.Reference), Tensor.FromArray(b, [101], Device.Reference)));
        // Equal values (the reference's relu gives -0 where the CPU's gives +0)...
        static float Value(float v) => float.IsNaN(v) ? -1f : v;
        Assert.Equal(reference.ToArray().Select(Value), y.ToArray().Select(Value));
        // ...and to the bit what the CPU's two ops give.
        Assert.Equal(Ops.Relu(Ops.Add(ca, cb)).ToArray().Select(Bits), y.ToArray().Select(Bits));
        // In place, as a residual block's sum is written over its first operand.
        ((IFusedAddRelu)ca.Backend).AddRelu(ca, cb, ca);
        Assert.Equal(y.ToArray().Select(Bits), ca.ToArray().Select(Bits));
    }
}
