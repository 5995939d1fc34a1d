using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>The GEMM's block sizes, derived from the caches of the core it runs on.</summary>
public class GemmBlockingTests
{
    /// <summary>
    /// For the micro-kernels on an Intel core (48 KiB 12-way L1d, 2 MiB L2, a 2 MiB share of L3),
    /// an AMD Zen 4 core (32 KiB 8-way, 1 MiB, 4 MiB) and a small core (32 KiB 4-way, 256 KiB,
    /// 1 MiB): the B panel and a micro-panel of A fit in L1 with a way to spare, the block of A in
    /// half of L2, the block of B in half of the L3 share, each a whole number of micro-tiles.
    /// </summary>
    [Theory]
    [InlineData(12, 32, 48 << 10, 12, 2 << 20, 2 << 20)]
    [InlineData(12, 32, 32 << 10, 8, 1 << 20, 4 << 20)]
    [InlineData(6, 16, 48 << 10, 12, 2 << 20, 2 << 20)]
    [InlineData(6, 16, 32 << 10, 8, 1 << 20, 4 << 20)]
    [InlineData(6, 8, 32 << 10, 4, 256 << 10, 1 << 20)]
    public void BlocksFitTheirCaches(int mr, int nr, int l1, int ways, int l2, int l3)
    {
        var b = GemmBlocking.For(mr, nr, l1, ways, l2, l3);
        Assert.True(b.Kc % 8 == 0 && b.Kc >= 64, $"Kc: expected a multiple of 8 of at least 64, got {b.Kc}.");
        Assert.True((long)b.Kc * (mr + nr) * sizeof(float) <= (long)l1 * (ways - 1) / ways,
            $"Kc: expected the B panel and an A micro-panel within {ways - 1} of {ways} ways of L1, got {b.Kc} deep.");
        Assert.True(b.Mc % mr == 0 && b.Mc >= mr, $"Mc: expected a positive multiple of {mr}, got {b.Mc}.");
        Assert.True((long)b.Mc * b.Kc * sizeof(float) <= l2 / 2, $"Mc: expected the A block within half of L2, got {b.Mc} rows.");
        Assert.True((long)(b.Mc + mr) * b.Kc * sizeof(float) > l2 / 2, $"Mc: expected the largest block that fits, got {b.Mc} rows.");
        Assert.True(b.Nc % nr == 0 && b.Nc >= 8 * nr, $"Nc: expected a multiple of {nr} of at least {8 * nr}, got {b.Nc}.");
        Assert.True((long)b.Nc * b.Kc * sizeof(float) <= l3 / 2, $"Nc: expected the B block within half of the L3 share, got {b.Nc} columns.");
    }

    [Fact]
    public void SmallerCachesGiveSmallerBlocks()
    {
        var intel = GemmBlocking.For(12, 32, 48 << 10, 12, 2 << 20, 2 << 20);
        var zen4 = GemmBlocking.For(12, 32, 32 << 10, 8, 1 << 20, 4 << 20);
        Assert.True(zen4.Kc < intel.Kc, $"Kc: expected a shallower panel for the smaller L1, got {zen4.Kc} against {intel.Kc}.");
        Assert.True(zen4.Mc < intel.Mc, $"Mc: expected fewer rows for the smaller L2, got {zen4.Mc} against {intel.Mc}.");
        Assert.True(zen4.Nc > intel.Nc, $"Nc: expected more columns for the larger L3 share, got {zen4.Nc} against {intel.Nc}.");
    }

    [Fact]
    public void ImplausibleCachesStillGiveUsableBlocks()
    {
        var tiny = GemmBlocking.For(12, 32, 4 << 10, 2, 4 << 10, 4 << 10);
        Assert.True(tiny.Kc >= 64 && tiny.Mc >= 12 && tiny.Nc >= 8 * 32, $"expected the lower bounds, got {tiny}.");
        var huge = GemmBlocking.For(12, 32, 1 << 30, 64, 1 << 30, 1 << 30);
        Assert.True(huge.Kc <= 384 && huge.Nc <= 1 << 14, $"expected the upper bounds, got {huge}.");
    }

    /// <summary>
    /// A block of an A read in place, rows a power of two apart, takes only as many rows as share
    /// L2's sets in half of its ways; rows that spread over the sets keep the whole block.
    /// </summary>
    [Theory]
    [InlineData(8192L, 2 << 20, 16)]     // a 2048-wide A on a 2 MiB 16-way L2
    [InlineData(4096L, 2 << 20, 16)]
    [InlineData(16384L, 1 << 20, 8)]    // a 4096-wide A on a 1 MiB 8-way L2
    [InlineData(2304L, 2 << 20, 16)]    // 576 wide (3×3×64 patches): spread out
    [InlineData(18432L, 2 << 20, 16)]
    public void InPlaceRowsShareL2SetsInHalfItsWays(long rowBytes, int l2, int ways)
    {
        var blocking = GemmBlocking.For(12, 32, 48 << 10, 12, l2, 4 << 20);
        int rows = blocking.InPlaceRows(12, rowBytes, l2, ways);
        Assert.True(rows % 12 == 0 && rows >= 12 && rows <= blocking.Mc, $"rows: expected a multiple of 12 up to {blocking.Mc}, got {rows}.");
        long waySize = l2 / ways, lines = waySize / 64;
        var perSet = new int[lines];
        for (long r = 0; r < rows; r++) perSet[r * rowBytes / 64 % lines]++;
        Assert.True(perSet.Max() <= ways / 2, $"rows: expected at most {ways / 2} rows starting in one set, got {perSet.Max()} of {rows}.");
        if (perSet.Max() + 12 <= ways / 2 && rows < blocking.Mc)
            Assert.Fail($"rows: expected the whole block of {blocking.Mc} rows when the sets have room, got {rows}.");
    }

    [Fact]
    public void MachineBlocksComeFromItsCaches() =>
        Assert.Equal(GemmBlocking.For(Gemm.MR, Gemm.NR, CacheSizes.L1Data, CacheSizes.L1DataWays, CacheSizes.L2, CacheSizes.L3PerCore), Gemm.Blocking);
}
