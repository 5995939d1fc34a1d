using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Testing;

/// <summary>
/// Reads a TensorFlow.js recurrent golden file (tools/tfjs_recurrent_goldens.js,
/// tools/tfjs_convlstm_goldens.js) and checks one of its cases: the layer built from the case's
/// Keras config and weights, called on each of its batches in turn (a stateful layer continues
/// from the previous one), gives the oracle's outputs and states within 1e-4.
/// </summary>
public static class RecurrentGoldens
{
    private const float Tolerance = 1e-4f;

    /// <summary>The cases of Fixtures/tfjs/<paramref name="file"/>.</summary>
    public static JsonArray Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", file)))!["cases"]!.AsArray();

    /// <summary>xunit member data: one row per case name.</summary>
    public static IEnumerable<object[]> Names(JsonArray cases) => cases.Select(c => new object[] { (string)c!["name"]! });

    public static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    public static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    /// <summary>
    /// Checks case <paramref name="name"/>; <paramref name="prepare"/> turns each batch into the
    /// layer's input (e.g. masks it as the oracle's model did).
    /// </summary>
    public static void Check(JsonArray cases, string name, Func<Tensor, Tensor>? prepare = null)
    {
        var c = cases.Single(e => (string)e!["name"]! == name)!;
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = "layer";
        var layer = LayerRegistry.FromConfig((string)c["class_name"]!, config);
        var shape = Ints(c["input_shape"]!);
        layer.Build(shape.Select(d => (int?)d).ToArray());
        layer.SetWeights(c["weights"]!.AsArray().Select(w => Tensor.FromArray(Floats(w!["values"]!), Ints(w["shape"]!))));
        var calls = c["inputs"]!.AsArray();
        for (int k = 0; k < calls.Count; k++)
        {
            var x = Tensor.FromArray(Floats(calls[k]!), shape);
            var ys = Run(layer, prepare is null ? x : prepare(x));
            var expected = c["outputs"]![k]!.AsArray();
            Assert.Equal(expected.Count, ys.Length);
            for (int i = 0; i < ys.Length; i++)
            {
                Assert.Equal(Ints(expected[i]!["shape"]!), ys[i].Shape.Dims);
                Assertions.Close(Floats(expected[i]!["values"]!), ys[i].ToArray(), Tolerance, $"{name} call {k} output {i}");
            }
        }
    }

    /// <summary>The layer's outputs for one batch: the output, then the states with return_state.</summary>
    private static Tensor[] Run(Layer layer, Tensor x) => layer switch
    {
        RecurrentLayer r => r.CallWithStates(x),
        Bidirectional b => b.CallWithStates(x),
        _ => [layer.Call(x)],
    };
}
