using Graft.Cli.Demo;
using Graft.Tests.Testing;

namespace Graft.Tests.Cli.Demo;

/// <summary>The demo's task A / task B splits of Fashion-MNIST, as in Géron's chapter 11.</summary>
public class GeronTransferDataTests
{
    [Fact]
    public void GeronSplitsAreTheBooks()
    {
        var data = GeronTransferData.From(RepositoryData.Fashion);
        Assert.Equal(200, data.TrainB.X.Shape[0]);
        // Task A: 8 classes renumbered 0..7; task B: 0/1, with both sandals and shirts present.
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i), data.TrainA.Y.ToArray().Distinct().Order());
        Assert.Equal([0f, 1f], data.TestB.Y.ToArray().Distinct().Order());
        Assert.Equal(2000, data.TestB.X.Shape[0]);                 // 1,000 sandals + 1,000 shirts
        Assert.Equal(5000, data.ValidA.X.Shape[0] + data.ValidB.X.Shape[0]);
        Assert.Equal(1f, data.TrainA.X.Max().Item());
    }
}
