using Graft.Layers.Core;
using Graft.Models;
using Graft.Tests.Testing;

namespace Graft.Tests.Models;

/// <summary>Summary returns Keras's table, and prints only where it is told to.</summary>
[Collection(ConsoleCollection.Name)]
public class SummaryTests
{
    private static Sequential Net() => new([new Dense(3, inputShape: [2], name: "d1"), new Dense(1, name: "d2")], name: "net");

    [Fact]
    public void SummaryReturnsTheTableAndPrintsNothing()
    {
        using var console = new ConsoleCapture();
        string text = Net().Summary();
        Assert.StartsWith("Model: \"net\"", text);
        Assert.Contains("d1 (Dense)", text);
        Assert.Contains("Total params: 13", text);
        Assert.Equal("", console.Out.ToString());
    }

    [Fact]
    public void SummaryWritesToTheGivenWriterOrFunction()
    {
        var model = Net();
        string expected = model.Summary();
        var writer = new StringWriter();
        Assert.Equal(expected, model.Summary(writer));
        Assert.Equal(expected + Environment.NewLine, writer.ToString());
        var printed = new List<string>();
        Assert.Equal(expected, model.Summary(printed.Add));
        Assert.Equal([expected], printed);
    }
}
