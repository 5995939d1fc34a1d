using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>
/// The GEMM's block sizes as a function of the cache sizes and the micro-tile: what the machines
/// the library meets get, and that every block fits its cache in whole micro-tiles.
/// </summary>
public class GemmBlocksTests
{
    private const int KiB = 1 << 10, MiB = 1 << 20;

    /// <summary>What a few real cores get, so that a change of rule shows up as a change here.</summary>
    [Theory]
    // Intel Xeon with AVX-512 (48 KiB L1d, 2 MiB L2, 300 MiB L3 over 2 visible CPUs): the blocks measured best there.
    [InlineData(12, 32, 48 * KiB, 2 * MiB, 150L * MiB, 384, 252, 4096)]
    // AMD Zen 4 with the 512-bit kernel (32 KiB L1d, 1 MiB L2, 32 MiB L3 per 8-core CCD).
    [InlineData(12, 32, 32 * KiB, 1 * MiB, 4L * MiB, 256, 192, 2048)]
    // The same Zen 4 core with the 256-bit kernel.
    [InlineData(6, 16, 32 * KiB, 1 * MiB, 4L * MiB, 384, 126, 1360)]
    // An ARM core with the 128-bit kernel (64 KiB L1d, 1 MiB L2; no L3 reported: the 2 MiB default).
    [InlineData(6, 8, 64 * KiB, 1 * MiB, 2L * MiB, 384, 126, 680)]
    // A Graviton-like ARM core: 32 MiB of L3 over 64 cores, 512 KiB each: the narrowest block.
    [InlineData(6, 8, 64 * KiB, 1 * MiB, 512L * KiB, 384, 126, 512)]
    public void BlocksOfKnownCores(int mr, int nr, int l1, int l2, long l3PerCore, int kc, int mc, int nc) =>
        Assert.Equal((kc, mc, nc), Gemm.Blocks(mr, nr, l1, l2, l3PerCore));

    public static TheoryData<int, int> Kernels => new() { { 12, 32 }, { 6, 16 }, { 6, 8 }, { 4, 4 } };

    /// <summary>
    /// Over a grid of plausible caches, each block is whole micro-tiles, the B panel fits L1d, the A
    /// block L2 and the B block this core's L3 share, except where a bound overrides a tiny cache.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void BlocksFitTheirCachesInWholeTiles(int mr, int nr)
    {
        foreach (int l1 in new[] { 16 * KiB, 32 * KiB, 48 * KiB, 64 * KiB, 128 * KiB })
            foreach (int l2 in new[] { 256 * KiB, 512 * KiB, 1 * MiB, 1280 * KiB, 2 * MiB, 4 * MiB })
                foreach (long l3 in new[] { 256L * KiB, 1L * MiB, 4L * MiB, 36L * MiB, 150L * MiB })
                {
                    var (kc, mc, nc) = Gemm.Blocks(mr, nr, l1, l2, l3);
                    string at = $"mr {mr}, nr {nr}, L1 {l1}, L2 {l2}, L3 {l3}: KC {kc}, MC {mc}, NC {nc}";
                    Assert.True(kc % 8 == 0 && kc is >= 128 and <= 384, at);
                    Assert.True(mc > 0 && mc % mr == 0, at);
                    Assert.True(nc > 0 && nc % nr == 0, at);
                    if (kc > 128) Assert.True((long)kc * nr * sizeof(float) <= l1, at);
                    if (mc > mr) Assert.True((long)mc * kc * sizeof(float) <= l2 / 4, at);
                    if (nc > 512) Assert.True((long)kc * nc * sizeof(float) <= l3, at);
                    // One more micro-tile of rows would pass the share of L2 the rule allows: the block is as large as it may be.
                    Assert.True((long)(mc + mr) * kc * sizeof(float) > (long)l2 * 3 / 16, at);
                }
    }

    /// <summary>The AVX-512 kernel's panel depth follows L1d: a larger L1 never gives a shallower panel.</summary>
    [Fact]
    public void DeeperPanelsForLargerL1()
    {
        int previous = 0;
        foreach (int l1 in new[] { 16 * KiB, 32 * KiB, 48 * KiB, 64 * KiB })
        {
            int kc = Gemm.Blocks(12, 32, l1, 2 * MiB, 4L * MiB).Kc;
            Assert.True(kc >= previous, $"L1 {l1}: KC {kc} after {previous}");
            previous = kc;
        }
        Assert.Equal(256, Gemm.Blocks(12, 32, 32 * KiB, 2 * MiB, 4L * MiB).Kc);
    }
}
