using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (and Bidirectional around ConvLSTM2D), built from Keras configs,
/// against TensorFlow.js 4.22 for the same configs, inputs and weights (Fixtures/tfjs/convlstm_goldens.json,
/// written by tools/tfjs_convlstm_goldens.js; each case names its oracle, see convlstm_goldens.md).
/// </summary>
public class TfjsConvLSTMGoldenTests
{
    private static readonly JsonArray Cases = RecurrentGoldens.Load("convlstm_goldens.json");

    public static IEnumerable<object[]> Names => RecurrentGoldens.Names(Cases);

    [Theory]
    [MemberData(nameof(Names))]
    public void LayerMatchesTensorFlowJs(string name) => RecurrentGoldens.Check(Cases, name);

    [Fact]
    public void EveryRankAndOracleIsCovered()
    {
        // The fixture keeps each kind of case: losing one would drop a check silently.
        var kinds = Cases.Select(c => ((string)c!["class_name"]!, (string)c["oracle"]!)).Distinct().ToArray();
        Assert.Contains(("ConvLSTM2D", "tfjs-layer"), kinds);
        Assert.Contains(("Bidirectional", "tfjs-layer"), kinds);
        Assert.Contains(("ConvLSTM1D", "tfjs-layer ConvLSTM2D over rows of height 1"), kinds);
        Assert.Contains(("ConvLSTM3D", "tfjs conv3d script of the ConvLSTM recurrence"), kinds);
    }
}
