using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors.Kernels;

/// <summary>The cache sizes the kernels' block sizes come from: sysfs's forms, and a fallback for anything odd.</summary>
public class CacheSizesTests
{
    [Theory]
    [InlineData("48K\n", 48 << 10)]
    [InlineData("2048K", 2 << 20)]
    [InlineData("1M", 1 << 20)]
    [InlineData("32768", 32768)]
    [InlineData("", null)]
    [InlineData("12Q", null)]
    [InlineData("1K", null)]       // implausibly small: the default is kept
    [InlineData("-48K", null)]
    public void ParsesSysfsSizes(string text, int? expected) => Assert.Equal(expected, CacheSizes.Parse(text));

    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0", 1)]
    [InlineData("0-7,64-71", 16)]
    [InlineData("0,2,4", 3)]
    [InlineData("", 0)]
    [InlineData("3-1", 0)]
    [InlineData("a-b", 0)]
    public void CountsSysfsCpuLists(string text, int expected) => Assert.Equal(expected, CacheSizes.CountCpus(text));

    [Fact]
    public void SizesArePlausible()
    {
        Assert.InRange(CacheSizes.L1Data, 4 << 10, 1 << 30);
        Assert.InRange(CacheSizes.L2, CacheSizes.L1Data, 1 << 30);
        Assert.InRange(CacheSizes.L3PerCore, 4 << 10, 1 << 30);
    }
}
