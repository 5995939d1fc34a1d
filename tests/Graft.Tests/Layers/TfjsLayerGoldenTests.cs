using System.Text.Json.Nodes;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// Layers built from Keras configs against TensorFlow.js 4.22's outputs for the same configs, inputs
/// and weights (Fixtures/tfjs/layer_goldens.json, written by tools/tfjs_layer_goldens.js; see the
/// folder's README for each case's oracle).
/// </summary>
public class TfjsLayerGoldenTests
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "layer_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { (string)c!["name"]! });

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void LayerMatchesTensorFlowJs(string name)
    {
        var c = Cases.Single(e => (string)e!["name"]! == name)!;
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = "layer";
        var layer = LayerRegistry.FromConfig((string)c["class_name"]!, config);
        // One input, or several for a merge.
        var xs = c["inputs"] is JsonArray many
            ? many.Select((x, k) => Tensor.FromArray(Floats(x!), Ints(c["input_shapes"]![k]!))).ToArray()
            : [Tensor.FromArray(Floats(c["input"]!), Ints(c["input_shape"]!))];
        Tensor Run() => layer is Graft.Layers.Merging.Merge m ? m.Call(xs) : layer.Call(xs[0]);
        Run();
        var weights = c["weights"]!.AsArray().Select(w => Tensor.FromArray(Floats(w!["values"]!), Ints(w["shape"]!))).ToArray();
        if (weights.Length > 0) layer.SetWeights(weights);
        var y = Run();
        Assert.Equal(Ints(c["output_shape"]!), y.Shape.Dims);
        Assertions.Close(Floats(c["output"]!), y, Tolerance);
    }
}
