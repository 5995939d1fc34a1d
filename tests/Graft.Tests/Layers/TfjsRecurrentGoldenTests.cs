using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// RNN with Keras's cells, stateful layers and Bidirectional with return_state, built from Keras configs,
/// against TensorFlow.js 4.22's outputs for the same configs, inputs and weights
/// (Fixtures/tfjs/recurrent_goldens.json, written by tools/tfjs_recurrent_goldens.js; see recurrent_goldens.md).
/// </summary>
public class TfjsRecurrentGoldenTests
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "recurrent_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { (string)c!["name"]! });

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    /// <summary>The layer's outputs for one batch: the output, then the states with return_state.</summary>
    private static Tensor[] Run(Layer layer, Tensor x) => layer switch
    {
        RNN r => r.CallWithStates(x),
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
        bool masked = c["masked"]!.AsArray().Count > 0;
        // Masking(0) as in the oracle's model: the zeroed steps are masked.
        Tensor Input(JsonNode values)
        {
            var x = Tensor.FromArray(Floats(values), shape);
            return masked ? new Masking(0f).Call(x) : x;
        }
        var calls = c["inputs"]!.AsArray();
        layer.Build([shape[0], shape[1], shape[2]]);
        layer.SetWeights(c["weights"]!.AsArray().Select(w => Tensor.FromArray(Floats(w!["values"]!), Ints(w["shape"]!))));
        for (int k = 0; k < calls.Count; k++)
        {
            // A stateful layer continues from the previous batch: each call is checked in turn.
            var ys = Run(layer, Input(calls[k]!));
            var expected = c["outputs"]![k]!.AsArray();
            Assert.Equal(expected.Count, ys.Length);
            for (int i = 0; i < ys.Length; i++)
            {
                Assert.Equal(Ints(expected[i]!["shape"]!), ys[i].Shape.Dims);
                Assertions.Close(Floats(expected[i]!["values"]!), ys[i].ToArray(), Tolerance, $"{name} call {k} output {i}");
            }
        }
    }
}
