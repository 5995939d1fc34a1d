using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Tests.Tensors.Backends;

/// <summary>
/// The CPU backend's element-wise ops, copies, fills and gradient sums over large tensors, which
/// it shares between the kernel threads: the ranges cover every element once, on whole vectors,
/// and every op gives the same bits under any thread count as on one thread (transcendental rules
/// included, whose vector and scalar forms could round differently at a range's edge).
/// </summary>
public class ElementwiseSharingTests
{
    // Two and a half chunks plus a tail that is not a whole vector.
    private const int Large = 5 * (1 << 14) + 37;

    [Theory]
    [InlineData(Large, 2)]
    [InlineData(Large, 3)]
    [InlineData(1 << 20, 4)]
    public void RangesCoverEveryElementOnceOnWholeVectors(int n, int threads)
    {
        using var _ = new GraftContext { Threads = threads }.Use();
        int parts = CpuBackend.ElementwiseParts(n);
        Assert.Equal(Math.Min(threads, n / (1 << 15)), parts);
        int next = 0;
        for (int p = 0; p < parts; p++)
        {
            var (start, length) = CpuBackend.ElementwisePart(n, parts, p);
            Assert.Equal(next, start);
            Assert.True(p == parts - 1 || length % 64 == 0, $"part {p}: expected whole 64-float blocks, got {length} floats");
            next = start + length;
        }
        Assert.Equal(n, next);
    }

    [Fact]
    public void SmallTensorsAreNotSplit()
    {
        using var _ = new GraftContext { Threads = 4 }.Use();
        Assert.Equal(1, CpuBackend.ElementwiseParts((1 << 16) - 1));
        Assert.Equal(2, CpuBackend.ElementwiseParts(1 << 16));
    }

    private static Tensor Values(int seed) => Tensor.RandomUniform([Large], -3, 3, new Generator(seed));

    /// <summary>Every op on <see cref="Large"/> elements under 1 to 4 threads: the bits of each result.</summary>
    private static List<float[]> RunAll()
    {
        var cpu = Backend.For(Device.Cpu);
        Tensor x = Values(1), y = Values(2), gy = Values(3);
        var results = new List<float[]>();
        Tensor Out() => Tensor.Empty(Shape.Wrap([Large]), zero: false, Device.Cpu);
        foreach (var op in new[] { UnaryOp.Relu, UnaryOp.Exp, UnaryOp.Tanh, UnaryOp.Sigmoid, UnaryOp.Gelu, UnaryOp.Selu, UnaryOp.MulScalar })
        {
            var f = Out();
            cpu.Unary(op, x, f, op == UnaryOp.MulScalar ? 0.3f : 0f, op == UnaryOp.Relu ? float.NaN : 0f);
            results.Add(f.ToArray());
            var g = Out();
            cpu.UnaryBackward(op, x, f, gy, g, op == UnaryOp.MulScalar ? 0.3f : 0f, op == UnaryOp.Relu ? float.NaN : 0f);
            results.Add(g.ToArray());
        }
        foreach (var op in new[] { BinaryOp.Add, BinaryOp.Mul, BinaryOp.Div, BinaryOp.Greater })
        {
            var f = Out();
            cpu.Binary(op, x, y, f);
            results.Add(f.ToArray());
            var s = Out();
            cpu.Binary(op, x, Tensor.FromArray([0.7f], [1], Device.Cpu), s);
            results.Add(s.ToArray());
        }
        var sum = Out();
        cpu.Copy(y, sum);
        results.Add(sum.ToArray());
        cpu.Axpy(1f, x, sum);
        cpu.Axpy(-0.25f, gy, sum);
        results.Add(sum.ToArray());
        cpu.Fill(sum, 1.5f);
        results.Add(sum.ToArray());
        return results;
    }

    [Fact]
    public void SameBitsForAnyThreadCount()
    {
        List<float[]>? one = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            List<float[]> results;
            using (new GraftContext { Threads = threads }.Use()) results = RunAll();
            if (one is null) { one = results; continue; }
            for (int i = 0; i < one.Count; i++)
                Assert.True(one[i].AsSpan().SequenceEqual(results[i]), $"result {i}: expected the same bits under {threads} threads as under 1");
        }
        // The fill and the sums reached the last element too.
        Assert.All(one![^1], v => Assert.Equal(1.5f, v));
    }
}
