using Graft.Tensors;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The element-wise loops in both widths against each kernel's scalar rule: 8 lanes (AVX) and
/// 4 lanes (ARM64, x86 without AVX), the narrow loops forced so they run on any machine. Lengths
/// leave a scalar tail; inputs straddle zero, where the rules switch branches.
/// </summary>
public class SimdTests
{
    private static float[] Random(int n, int seed) => Tensor.RandomUniform([n], -3, 3, new Generator(seed)).ToArray();

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 39)]
    [InlineData(true, 39)]
    [InlineData(false, 4)]
    public void UnaryLoopsMatchScalarRule(bool wide, int n)
    {
        var x = Random(n, 1);
        var expected = x.Select(v => SeluForward.Invoke(v)).ToArray();
        var y = new float[n];
        Simd.Map<SeluForward>(x, y, wide);
        Assertions.Close(expected, y, 1e-6f, "selu");

        var elu = new EluForward(0.7f);
        expected = x.Select(v => elu.Invoke(v)).ToArray();
        Simd.Map(x, y, elu, wide);
        Assertions.Close(expected, y, 1e-6f, "elu");
    }

    [Theory]
    [InlineData(false, 39)]
    [InlineData(true, 39)]
    [InlineData(false, 7)]
    public void BinaryAndTernaryLoopsMatchScalarRule(bool wide, int n)
    {
        float[] a = Random(n, 1), b = Random(n, 2), c = Random(n, 3), y = new float[n];
        Simd.Map<ReluBackward>(a, b, y, wide);
        Assertions.Close(a.Select((v, i) => ReluBackward.Invoke(v, b[i])).ToArray(), y, 0f, "relu backward");
        Simd.Map<SigmoidBackward>(a, b, y, wide);
        Assertions.Close(a.Select((v, i) => SigmoidBackward.Invoke(v, b[i])).ToArray(), y, 1e-6f, "sigmoid backward");
        Simd.Map<TanhBackward>(a, b, y, wide);
        Assertions.Close(a.Select((v, i) => TanhBackward.Invoke(v, b[i])).ToArray(), y, 1e-6f, "tanh backward");
        Simd.Map<SeluBackward>(a, b, c, y, wide);
        Assertions.Close(a.Select((v, i) => SeluBackward.Invoke(v, b[i], c[i])).ToArray(), y, 1e-6f, "selu backward");
    }
}
