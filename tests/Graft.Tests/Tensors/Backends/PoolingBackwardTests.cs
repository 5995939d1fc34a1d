using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU's max-pooling gradient against the float64 reference backend, into a gradient buffer
/// left full of NaN (as a reused buffer may be): every cell must be written, those no window covers
/// with zeros. Windows that tile the input, that leave the last row and column uncovered (the small
/// CNN's 11×11 maps), that leave gaps (stride above the size), that overlap, and that padding
/// clips; large enough that images are shared between threads, and the same bits under 1, 2 and 3.
/// </summary>
public class PoolingBackwardTests
{
    [Theory]
    [InlineData(8, 26, 26, 32, 2, 2, "valid")]
    [InlineData(24, 11, 11, 64, 2, 2, "valid")]
    [InlineData(9, 13, 12, 40, 2, 3, "valid")]
    [InlineData(9, 13, 12, 40, 2, 3, "same")]
    [InlineData(6, 15, 14, 35, 3, 2, "same")]
    [InlineData(1, 7, 9, 3, 2, 2, "valid")]
    public void GradientMatchesTheReferenceInEveryCell(int n, int h, int w, int c, int pool, int stride, string padding)
    {
        // Distinct values: each window's maximum is one cell, so the routing is unambiguous.
        var values = new Generator(7).Permutation(n * h * w * c).Select(v => v * 0.01f).ToArray();
        var x = Tensor.FromArray(values, n, h, w, c);
        var g = Ops.Geometry(x.Shape, pool, pool, (stride, stride), (1, 1), padding, "MaxPool2D");
        var gy = Tensor.RandomUniform([n, g.OH, g.OW, c], -1, 1, new Generator(8));
        var reference = Backend.For(Device.Reference);
        var (xr, gyr) = (x.To(Device.Reference), gy.To(Device.Reference));
        var yr = Tensor.Empty(gy.Shape, zero: false, Device.Reference);
        reference.MaxPool2D(xr, g, yr);
        var expected = Tensor.Empty(x.Shape, zero: false, Device.Reference);
        reference.MaxPool2DBackward(xr, yr, gyr, g, expected);
        var cpu = Backend.For(Device.Cpu);
        var want = expected.ToArray();
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
            using (new GraftContext { Threads = threads }.Use())
            {
                var y = Tensor.Empty(gy.Shape, zero: false, Device.Cpu);
                cpu.MaxPool2D(x, g, y);
                var gx = Tensor.Full(float.NaN, x.Shape.ToArray(), Device.Cpu);
                cpu.MaxPool2DBackward(x, y, gy, g, gx);
                var actual = gx.ToArray();
                Assert.DoesNotContain(actual, float.IsNaN);
                string name = $"MaxPool2D {pool}x{pool}/{stride} {padding} on ({n}, {h}, {w}, {c}) under {threads} threads";
                // Disjoint windows copy gy exactly; overlapping ones add in float where the reference adds in double.
                if (stride >= pool) Assert.Equal(want, actual);
                else Assertions.Close(want, actual, 1e-5f, name);
                if (first is null) first = actual;
                else Assert.True(first.AsSpan().SequenceEqual(actual), $"{name}: expected the same bits as under 1 thread");
            }
    }

    /// <summary>
    /// A MaxPooling1D over a whole 2,000,000-step sequence (Keras's global max over time written as
    /// a pooling): its window's cell offsets (16 MB) are more than any thread's stack holds, so they
    /// must not be taken from the stack. The maximum and its gradient land on the one largest step.
    /// </summary>
    [Fact]
    public void AWindowLongerThanAStackHoldsPoolsAndRoutes()
    {
        const int steps = 2_000_000;
        var values = new float[steps * 2];
        for (int i = 0; i < values.Length; i++) values[i] = (i * 7919 % 1000) * 0.001f;
        values[2 * 1_234_567] = 5f;
        values[2 * 17 + 1] = 6f;
        var x = Tensor.FromArray(values, 1, steps, 2);
        x.RequiresGrad = true;
        var y = Ops.MaxPool1D(x, steps);
        Assert.Equal(new[] { 5f, 6f }, y.ToArray());
        Ops.Sum(y).Backward();
        var gx = x.Grad!.ToArray();
        Assert.Equal(1f, gx[2 * 1_234_567]);
        Assert.Equal(1f, gx[2 * 17 + 1]);
        Assert.Equal(2f, gx.Sum());
    }
}
