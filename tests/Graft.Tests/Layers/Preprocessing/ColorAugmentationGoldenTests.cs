using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>
/// The color augmentation layers with their draws pinned, against Keras's formulas computed with
/// TensorFlow.js ops (Fixtures/tfjs/augment_goldens.json, made by tools/tfjs_augment_goldens.js).
/// Each layer is built from the case's Keras config, as a loaded file would build it.
/// </summary>
public class ColorAugmentationGoldenTests
{
    private static readonly Lazy<JsonObject> s_goldens = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "augment_goldens.json")))!.AsObject());

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();

    public static IEnumerable<object[]> Cases => s_goldens.Value["cases"]!.AsArray().Select(c => new object[] { (string)c!["name"]! });

    [Fact]
    public void TheGoldensComeFromTensorFlowJs() => Assert.Equal("4.22.0", (string)s_goldens.Value["tfjs_version"]!);

    [Theory]
    [MemberData(nameof(Cases))]
    public void PinnedAugmentationsMatchTheOracle(string name)
    {
        var c = s_goldens.Value["cases"]!.AsArray().Single(k => (string)k!["name"]! == name)!.AsObject();
        var shape = s_goldens.Value["input_shape"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var x = Tensor.FromArray(Floats(s_goldens.Value["input"]!), shape);
        var config = c["config"]!.DeepClone().AsObject();
        config["name"] = name;
        config["seed"] = 3;
        Layer layer = LayerRegistry.FromConfig((string)c["class_name"]!, config);
        var expected = Tensor.FromArray(Floats(c["output"]!), shape);
        Assertions.Close(expected, layer.Call(x, training: true), 1e-4f);
    }
}
