using Graft.Autograd;
using Graft.Tensors;
using Graft.Tensors.Kernels;
using Graft.Tests.Testing;

namespace Graft.Tests.Tensors;

public class GemmTests
{
    private static float[] Naive(float[] a, float[] b, int m, int n, int k, bool ta, bool tb)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = (float)s;
            }
        return c;
    }

    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(13, 33, 7, false, false)]      // edge tiles in both directions
    [InlineData(37, 65, 300, true, false)]     // K spans two panels
    [InlineData(64, 17, 513, false, true)]
    [InlineData(300, 290, 260, true, true)]    // several M blocks, both threads busy
    [InlineData(5, 700, 40, false, false)]     // split along N
    [InlineData(32, 300, 784, false, false)]   // a batch of 32: the 8-row remainder kernel, B read in place
    [InlineData(20, 64, 50, false, false)]     // 12 + 8 rows
    [InlineData(9, 32, 5000, true, false)]     // small C over a long K: split along K
    [InlineData(20, 20, 3000, false, true)]
    [InlineData(28, 70, 33, false, false)]     // 12 + 12 + 4 rows, partial column tile
    public void MatchesNaiveProduct(int m, int n, int k, bool ta, bool tb)
    {
        var a = Tensor.RandomUniform(ta ? [k, m] : [m, k], -1, 1, new Generator(1));
        var b = Tensor.RandomUniform(tb ? [n, k] : [k, n], -1, 1, new Generator(2));
        var expected = Naive(a.ToArray(), b.ToArray(), m, n, k, ta, tb);
        foreach (int threads in new[] { 1, 2 })
        {
            using (new GraftContext { Threads = threads }.Use()) Assertions.Close(expected, Ops.MatMul(a, b, ta, tb), 1e-4f);
        }
    }

    [Fact]
    public void BatchedMatchesPerBatchProducts()
    {
        var a = Tensor.RandomUniform([3, 4, 5], -1, 1, new Generator(1));
        var b = Tensor.RandomUniform([3, 5, 6], -1, 1, new Generator(2));
        var c = Ops.MatMul(a, b);
        Assert.Equal(new Shape(3, 4, 6), c.Shape);
        for (int t = 0; t < 3; t++)
            Assertions.Close(Naive(a[t].ToArray(), b[t].ToArray(), 4, 6, 5, false, false), c[t], 1e-5f);
    }

    [Theory]
    [InlineData("selu", 32, 784, 300)]
    [InlineData("relu", 256, 300, 100)]
    [InlineData("linear", 7, 13, 45)]
    [InlineData("selu", 100, 50, 8)]
    public void FusedDenseEqualsSeparateOps(string activation, int m, int k, int n)
    {
        var x = Tensor.RandomNormal([m, k], generator: new Generator(1));
        var w = Tensor.RandomNormal([k, n], 0, 0.1f, new Generator(2));
        var b = Tensor.RandomNormal([n], generator: new Generator(3));
        var act = Graft.Activations.ActivationFunction.Get(activation);
        var expected = act.Call(Ops.Add(Ops.MatMul(x, w), b));
        foreach (int threads in new[] { 1, 2 })
        {
            using (new GraftContext { Threads = threads }.Use()) Assertions.Close(expected, Ops.Dense(x, w, b, act), 2e-5f);
        }
    }

    /// <summary>
    /// Every micro-kernel, not only the one this machine picks, on edge tiles, several K panels and
    /// transposed operands: the 128-bit kernel (ARM64, x86 without AVX) and the scalar fallback run
    /// here on any CPU, with vectors emulated where they are not accelerated.
    /// </summary>
    [Theory]
    [InlineData("Vector128", 1, 1, 1, false, false, false)]
    [InlineData("Vector128", 13, 33, 7, false, false, false)]
    [InlineData("Vector128", 37, 65, 300, true, false, true)]
    [InlineData("Vector128", 64, 17, 513, false, true, false)]
    [InlineData("Vector128", 259, 31, 769, true, true, true)]   // two M blocks, three K panels
    [InlineData("Vector128", 7, 9, 4, false, false, true)]
    [InlineData("Scalar", 13, 33, 7, false, false, false)]
    [InlineData("Scalar", 37, 65, 300, true, false, true)]
    [InlineData("Vector256", 37, 65, 300, true, false, true)]
    [InlineData("Vector512", 28, 70, 33, false, false, true)]
    // both operands transposed, full and partial strips: A's 12- and 6-row copies, B read down its columns
    [InlineData("Vector512", 40, 70, 300, true, true, false)]
    [InlineData("Vector256", 40, 35, 300, true, true, true)]
    [InlineData("Vector128", 19, 20, 45, true, true, false)]
    public unsafe void EachKernelMatchesNaiveProduct(string kernelName, int m, int n, int k, bool ta, bool tb, bool accumulate)
    {
        var kernel = Enum.Parse<GemmKernel>(kernelName);
        var a = Tensor.RandomUniform(ta ? [k, m] : [m, k], -1, 1, new Generator(1)).ToArray();
        var b = Tensor.RandomUniform(tb ? [n, k] : [k, n], -1, 1, new Generator(2)).ToArray();
        var c0 = Tensor.RandomUniform([m, n], -1, 1, new Generator(3)).ToArray();
        var expected = Naive(a, b, m, n, k, ta, tb);
        if (accumulate) for (int i = 0; i < expected.Length; i++) expected[i] += c0[i];
        var c = (float[])c0.Clone();
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.Serial(kernel, m, n, k, pa, ta ? 1 : k, ta ? m : 1, pb, tb ? 1 : n, tb ? k : 1, pc, n, accumulate, default);
        Assertions.Close(expected, c, 1e-4f);
    }

    /// <summary>
    /// A B packed whole once (a convolution's kernel, shared by every block of patches) gives the
    /// same product as B packed per call, bit for bit, for every micro-kernel and several K panels.
    /// </summary>
    [Theory]
    [InlineData("Vector128", 37, 20, 300)]
    [InlineData("Vector256", 50, 33, 769)]
    [InlineData("Vector512", 30, 64, 1152)]
    [InlineData("Vector512", 8, 40, 100)]      // few rows: B would be read in place without packing
    [InlineData("Vector512", 14, 4200, 20)]    // wider than a block of columns: the packed B is still used whole
    [InlineData("Scalar", 13, 9, 17)]
    public unsafe void WholePackedBMatchesPackingPerCall(string kernelName, int m, int n, int k)
    {
        var kernel = Enum.Parse<GemmKernel>(kernelName);
        var a = Tensor.RandomUniform([m, k], -1, 1, new Generator(1)).ToArray();
        var b = Tensor.RandomUniform([k, n], -1, 1, new Generator(2)).ToArray();
        var expected = new float[m * n];
        var c = new float[m * n];
        var packed = new float[Gemm.PackedBLength(kernel, n, k)];
        fixed (float* pa = a, pb = b, pe = expected, pc = c, pp = packed)
        {
            Gemm.Serial(kernel, m, n, k, pa, k, 1, pb, n, 1, pe, n, false, default);
            Gemm.PackWholeB(kernel, n, k, pb, n, 1, pp);
            Gemm.Serial(kernel, m, n, k, pa, k, 1, null, n, 1, pc, n, false, default, pp);
        }
        Assert.Equal(expected, c);
        Assertions.Close(Naive(a, b, m, n, k, false, false), c, 1e-4f);
    }

    /// <summary>
    /// The micro-tile whose K loop walks runs of operands read in place (a convolution's kernel
    /// gradient): every strip height from 1 to 12 rows (the 12-, 8- and 4-row kernels and the
    /// repeated-row tail), full and partial column tiles, overwriting and adding, runs of uneven
    /// length with gaps between them in both operands, against a float64 sum.
    /// </summary>
    [Theory]
    [InlineData(12, 32, false)]
    [InlineData(12, 32, true)]
    [InlineData(8, 32, false)]
    [InlineData(4, 17, true)]
    [InlineData(1, 32, false)]
    [InlineData(2, 32, true)]
    [InlineData(3, 1, false)]
    [InlineData(7, 32, false)]   // 4 + a 3-row tail
    [InlineData(11, 31, true)]   // 8 + a 3-row tail
    [InlineData(10, 32, true)]   // 8 + a 2-row tail
    [InlineData(5, 20, false)]   // 4 + a 1-row tail
    public unsafe void SegmentTileMatchesNaiveSum(int rows, int cols, bool add)
    {
        const int csA = 19, ldb = 40, ldc = 45;
        // Runs: (A offset, B row, length); gaps in both operands between runs.
        var runs = new GemmSegment[] { new(3, 1, 5), new(3 + 7 * csA, 9, 1), new(2 + 12 * csA, 12, 17), new(40 * csA, 31, 0), new(41 * csA + 5, 32, 3) };
        var a = Tensor.RandomUniform([45 * csA + 16], -1, 1, new Generator(1)).ToArray();
        var b = Tensor.RandomUniform([36 * ldb], -1, 1, new Generator(2)).ToArray();
        var c = Tensor.RandomUniform([12 * ldc], -1, 1, new Generator(3)).ToArray();
        var expected = (float[])c.Clone();
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                double s = add ? c[r * ldc + j] : 0;
                foreach (var run in runs)
                    for (int p = 0; p < run.Length; p++) s += (double)a[run.A + p * csA + r] * b[(run.B + p) * ldb + j];
                expected[r * ldc + j] = (float)s;
            }
        fixed (float* pa = a, pb = b, pc = c)
        fixed (GemmSegment* ps = runs)
            Gemm.SegmentTile(rows, pa, csA, pb, ldb, ps, runs.Length, pc, ldc, cols, add);
        Assertions.Close(expected, c, 1e-5f);
    }

    [Fact]
    public void ZeroInnerDimensionGivesZeros()
    {
        var c = Ops.MatMul(Tensor.Zeros(3, 0), Tensor.Zeros(0, 2));
        Assert.Equal(new float[6], c.ToArray());
    }
}
