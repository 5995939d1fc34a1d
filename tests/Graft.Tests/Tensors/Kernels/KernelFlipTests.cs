using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>The flipped, channel-swapped kernel of an input gradient against its definition.</summary>
public unsafe class KernelFlipTests
{
    /// <summary>
    /// dst[t, co, ci] = k[taps − 1 − t, ci, co] value for value: channel counts that are multiples of
    /// the 8 × 8 blocks and counts that leave 1 to 7 rows or columns over, one channel either side,
    /// and kernels large enough to be shared between threads (several jobs per tap, a partial last
    /// one), under 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(9, 1, 1)]
    [InlineData(1, 8, 8)]
    [InlineData(9, 1, 37)]
    [InlineData(9, 29, 1)]
    [InlineData(9, 13, 21)]
    [InlineData(49, 3, 64)]
    [InlineData(9, 131, 70)]
    [InlineData(4, 200, 96)]
    public void FlipTapsMatchesTheDefinition(int taps, int c, int cout)
    {
        var k = new float[taps * c * cout];
        for (int i = 0; i < k.Length; i++) k[i] = i * 0.5f - 7f;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var dst = new float[k.Length];
            Array.Fill(dst, float.NaN);
            using (new GraftContext { Threads = threads }.Use())
                fixed (float* pk = k, pd = dst) KernelFlip.FlipTaps(pk, taps, c, cout, pd);
            for (int t = 0; t < taps; t++)
                for (int co = 0; co < cout; co++)
                    for (int ci = 0; ci < c; ci++)
                    {
                        float expected = k[((taps - 1 - t) * c + ci) * cout + co], actual = dst[(t * cout + co) * c + ci];
                        Assert.True(expected == actual,
                            $"FlipTaps({taps}, {c}, {cout}) under {threads} threads: expected [{t}, {co}, {ci}] = {expected}, got {actual}.");
                    }
        }
    }
}
