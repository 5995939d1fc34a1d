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
    private const float Tolerance = 1e-4f;

    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "convlstm_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { (string)c!["name"]! });

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    private static Tensor[] Run(Layer layer, Tensor x) => layer switch
    {
        RecurrentBase r => r.CallWithStates(x),
        Bidirectional b => b.CallWithStates(x),
        _ => [layer.Call(x)],
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void LayerMatchesTensorFlowJs(string name)
    {
        var c = Cases.Single(e => (string)e!["name"]! == name)!;
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = "layer";
        var layer = LayerRegistry.FromConfig((string)c["class_name"]!, config);
        var shape = Ints(c["input_shape"]!);
        layer.Build(shape.Select(d => (int?)d).ToArray());
        layer.SetWeights(c["weights"]!.AsArray().Select(w => Tensor.FromArray(Floats(w!["values"]!), Ints(w["shape"]!))));
        var calls = c["inputs"]!.AsArray();
        for (int k = 0; k < calls.Count; k++)
        {
            // A stateful layer continues from the previous batch: each call is checked in turn.
            var ys = Run(layer, Tensor.FromArray(Floats(calls[k]!), shape));
            var expected = c["outputs"]![k]!.AsArray();
            Assert.Equal(expected.Count, ys.Length);
            for (int i = 0; i < ys.Length; i++)
            {
                Assert.Equal(Ints(expected[i]!["shape"]!), ys[i].Shape.Dims);
                Assertions.Close(Floats(expected[i]!["values"]!), ys[i].ToArray(), Tolerance, $"{name} call {k} output {i}");
            }
        }
    }

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
