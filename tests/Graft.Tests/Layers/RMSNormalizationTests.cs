using System.Text.Json.Nodes;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// RMSNormalization against Keras's formula computed by TensorFlow.js 4.22 ops
/// (Fixtures/tfjs/rms_normalization_goldens.json, written by tools/tfjs_rms_normalization_goldens.js),
/// a hand-computed case, and its saved round trip. Gradients, shapes and config come from the layer catalog.
/// </summary>
public class RMSNormalizationTests
{
    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "rms_normalization_goldens.json")))!["cases"]!.AsArray();

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { (string)c!["name"]! });

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)(double)v!).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => (int)v!).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesKerasComputedByTensorFlowJs(string name)
    {
        var c = Cases.Single(e => (string)e!["name"]! == name)!;
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = "rms";
        var layer = LayerRegistry.FromConfig("RMSNormalization", config);
        var x = Tensor.FromArray(Floats(c["input"]!), Ints(c["input_shape"]!));
        layer.Call(x);
        layer.SetWeights(c["weights"]!.AsArray().Select(w => Tensor.FromArray(Floats(w!["values"]!), Ints(w["shape"]!))));
        var y = layer.Call(x);
        Assert.Equal(Ints(c["output_shape"]!), y.Shape.ToArray());
        Assertions.Close(Floats(c["output"]!), y, 1e-4f);
    }

    [Fact]
    public void HandComputedRowAndErrors()
    {
        // [3, 4]: mean square 12.5, so y = x / √12.5 (the scale starts at ones).
        var y = new RMSNormalization().Call(Tensor.FromArray([3f, 4f], 1, 2)).ToArray();
        Assert.Equal(3 / Math.Sqrt(12.5 + 1e-6), y[0], 5);
        Assert.Equal(4 / Math.Sqrt(12.5 + 1e-6), y[1], 5);
        Assert.Throws<ArgumentException>(() => new RMSNormalization([1, 1]));
        var e = Assert.Throws<ArgumentException>(() => new RMSNormalization(3, name: "r").Call(Tensor.Zeros(2, 3)));
        Assert.Contains("RMSNormalization 'r'", e.Message);
        var config = new RMSNormalization([1, 2], epsilon: 1e-4).GetConfig();
        Assert.Equal("[1,2]", config["axis"]!.ToJsonString());
        Assert.Equal(1e-4, (double)config["epsilon"]!, 10);
    }

    [Fact]
    public void SavesAndLoadsInBothFormats()
    {
        var x = Keras.Input([3, 4]);
        var model = new Model(x, new RMSNormalization(name: "rms").Call(x));
        model.GetLayer("rms").SetWeights([Tensor.FromArray([0.5f, 1.5f, -1f, 2f], 4)]);
        var input = GradCheck.Uniform([2, 3, 4], 1);
        var expected = model.Predict(input, verbose: 0).ToArray();
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                Assert.Equal(expected, Model.Load(path).Predict(input, verbose: 0).ToArray());
            }
            finally { File.Delete(path); }
        }
    }
}
