using Graft.Cli;

namespace Graft.Tests.Cli;

public class ArgumentsTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    public void VerboseTakesKerasLevelsZeroToTwo(string value, int expected) =>
        Assert.Equal(expected, new Arguments(["--verbose", value], "demo", ["--verbose"]).IntInRange("--verbose", 1, 0, 2));

    [Theory]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("loud")]
    public void VerboseOutsideTheLevelsIsAUsageError(string value)
    {
        var ex = Assert.Throws<UsageException>(() => new Arguments(["--verbose", value], "demo", ["--verbose"]).IntInRange("--verbose", 1, 0, 2));
        Assert.Contains("expected an integer from 0 to 2 for --verbose", ex.Message);
        Assert.Contains($"got '{value}'", ex.Message);
    }

    [Fact]
    public void AbsentOptionGivesTheDefault() =>
        Assert.Equal(1, new Arguments([], "demo", ["--verbose"]).IntInRange("--verbose", 1, 0, 2));
}
