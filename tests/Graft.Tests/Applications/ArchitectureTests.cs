using Graft.Models;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Applications;

/// <summary>
/// Every architecture against the parameter counts Keras documents, with and without the top, and
/// its weights through Keras 2's weights-only layout by layer name into a fresh instance.
/// </summary>
/// <remarks>
/// Figures: the exact totals are those Keras's <c>model.summary()</c> prints for each application
/// ("Total params"); the rounded ones, which they must agree with, are Keras's own tables: "Size"
/// (with the top) and "Stem" (without) in the Performance table of keras-team/keras-applications'
/// README.md (commit bc89834, "Adds MobiletNetV3 to applications"), and "Parameters" on
/// keras.io/api/applications. No forward pass runs here: building the graph creates every weight.
/// </remarks>
public class ArchitectureTests
{
    public sealed record Case(string Name, Func<bool, string?, Model> Create, long Total, long NoTop, double SizeM, double StemM)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] s_cases =
    [
        new("ResNet50", (top, w) => A.ResNet50(includeTop: top, weights: w), 25_636_712, 23_587_712, 25.6, 23.6),
        new("ResNet101", (top, w) => A.ResNet101(includeTop: top, weights: w), 44_707_176, 42_658_176, 44.7, 42.7),
        new("ResNet152", (top, w) => A.ResNet152(includeTop: top, weights: w), 60_419_944, 58_370_944, 60.4, 58.4),
        new("ResNet50V2", (top, w) => A.ResNet50V2(includeTop: top, weights: w), 25_613_800, 23_564_800, 25.6, 23.6),
        new("ResNet101V2", (top, w) => A.ResNet101V2(includeTop: top, weights: w), 44_675_560, 42_626_560, 44.7, 42.6),
        new("ResNet152V2", (top, w) => A.ResNet152V2(includeTop: top, weights: w), 60_380_648, 58_331_648, 60.4, 58.3),
    ];

    public static TheoryData<Case> Cases => [.. s_cases];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParameterCountsAreKerasFigures(Case c)
    {
        long total = c.Create(true, null).CountParams();
        Assert.Equal(c.SizeM, Math.Round(total / 1e6, 1));
        Assert.Equal(c.Total, total);
        long noTop = c.Create(false, null).CountParams();
        Assert.Equal(c.StemM, Math.Round(noTop / 1e6, 1));
        Assert.Equal(c.NoTop, noTop);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightsRoundTripThroughKerasLayoutByName(Case c)
    {
        var source = c.Create(false, null);
        string path = Path.Combine(Path.GetTempPath(), $"graft-app-{c.Name}-{Guid.NewGuid():N}.h5");
        try
        {
            source.SaveWeights(path);   // Keras 2's layout: layer_names, then weight_names per layer, as Keras's published files
            var loaded = c.Create(false, path);
            var expected = source.Layers.Where(l => l.Weights.Count > 0).ToList();
            var actual = loaded.Layers.Where(l => l.Weights.Count > 0).ToList();
            Assert.Equal(expected.Select(l => l.Name), actual.Select(l => l.Name));
            for (int i = 0; i < expected.Count; i++)
                for (int k = 0; k < expected[i].Weights.Count; k++)
                    Assert.True(expected[i].Weights[k].Value.ToArray().AsSpan().SequenceEqual(actual[i].Weights[k].Value.ToArray()),
                        $"{c.Name}: weight {k} of layer '{expected[i].Name}' differs after loading");
        }
        finally { File.Delete(path); }
    }
}
