using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Preprocessing;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>
/// The image ops and layers against TensorFlow.js's outputs (Fixtures/tfjs/image_goldens.json, made
/// by make_image_goldens.js): resizing, cropping, padding, flips, and Keras's rotation, zoom and
/// translation matrices under each fill mode and interpolation.
/// </summary>
public class ImageGoldenTests
{
    private const float Tolerance = 1e-5f;
    // Rotation matrices pass through sin and cos, whose last bit may differ between runtimes.
    private const float TransformTolerance = 1e-4f;

    private static readonly Lazy<JsonObject> s_goldens = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfjs", "image_goldens.json")))!.AsObject());

    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();
    private static int[] Ints(JsonNode node) => node.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    private static Tensor Input() => Tensor.FromArray(Floats(s_goldens.Value["input"]!), Ints(s_goldens.Value["input_shape"]!));

    private static JsonObject Case(string name) => s_goldens.Value["cases"]!.AsArray().Single(c => (string)c!["name"]! == name)!.AsObject();

    private static Tensor Expected(JsonObject c) => Tensor.FromArray(Floats(c["output"]!), Ints(c["output_shape"]!));

    public static IEnumerable<object[]> Names(string op) =>
        s_goldens.Value["cases"]!.AsArray().Where(c => (string)c!["op"]! == op).Select(c => new object[] { (string)c!["name"]! });

    [Fact]
    public void TheGoldensAreTensorFlowJsOutputs() => Assert.StartsWith("TensorFlow.js", (string)s_goldens.Value["source"]!);

    [Theory]
    [MemberData(nameof(Names), "resize")]
    public void ResizeMatchesTensorFlow(string name)
    {
        var c = Case(name);
        int h = (int)c["height"]!, w = (int)c["width"]!;
        string interpolation = (string)c["interpolation"]!;
        Assertions.Close(Expected(c), Ops.Resize(Input(), h, w, interpolation), Tolerance);
        Assertions.Close(Expected(c), new Resizing(h, w, interpolation).Call(Input()), Tolerance);
    }

    [Fact]
    public void ResizingCropToAspectRatioMatchesTensorFlow() =>
        Assertions.Close(Expected(Case("resizing_crop_to_aspect_4x4")), new Resizing(4, 4, cropToAspectRatio: true).Call(Input()), Tolerance);

    [Fact]
    public void ResizingPadToAspectRatioMatchesTensorFlow() =>
        Assertions.Close(Expected(Case("resizing_pad_to_aspect_4x8")), new Resizing(4, 8, padToAspectRatio: true, fillValue: 0.25f).Call(Input()), Tolerance);

    [Theory]
    [MemberData(nameof(Names), "center_crop")]
    public void CenterCropMatchesTensorFlow(string name)
    {
        var c = Case(name);
        var layer = new CenterCrop((int)c["height"]!, (int)c["width"]!);
        Assertions.Close(Expected(c), layer.Call(Input(), training: false), Tolerance);
        Assertions.Close(Expected(c), layer.Call(Input(), training: true), Tolerance);
    }

    [Fact]
    public void RandomCropAtInferenceIsTheCenteredAspectWindowResized()
    {
        // RandomCrop(6, 4) on 5x7 images: the same smart resize as CenterCrop, whatever the mode
        // (the images are smaller than the window, so training cannot crop at random either).
        var expected = Expected(Case("center_crop_smart_resize_6x4"));
        var layer = new RandomCrop(6, 4, seed: 1);
        Assertions.Close(expected, layer.Call(Input(), training: false), Tolerance);
        Assertions.Close(expected, layer.Call(Input(), training: true), Tolerance);
    }

    [Theory]
    [MemberData(nameof(Names), "flip")]
    public void RandomFlipFlipsEachImageOrLeavesIt(string name)
    {
        var c = Case(name);
        var x = Input();
        var flipped = Expected(c).ToArray();
        var original = x.ToArray();
        int per = original.Length / 2;
        var layer = new RandomFlip((string)c["mode"]!, seed: 5);
        var seen = new HashSet<bool>();
        for (int call = 0; call < 8; call++)
        {
            var y = layer.Call(x, training: true).ToArray();
            for (int b = 0; b < 2; b++)
            {
                var image = y.AsSpan(b * per, per);
                bool isFlipped = image.SequenceEqual(flipped.AsSpan(b * per, per));
                Assert.True(isFlipped || image.SequenceEqual(original.AsSpan(b * per, per)), $"{name}: image {b} of call {call} is neither the input nor its flip.");
                seen.Add(isFlipped);
            }
        }
        Assert.Equal(2, seen.Count);   // 16 coins: both outcomes occur
    }

    [Theory]
    [MemberData(nameof(Names), "transform")]
    public void AffineTransformMatchesTensorFlow(string name)
    {
        var c = Case(name);
        var t = Floats(c["transform"]!);
        string fill = (string)c["fill_mode"]!, interpolation = (string)c["interpolation"]!;
        float fillValue = (float)c["fill_value"]!;
        Assertions.Close(Expected(c), Ops.AffineTransform(Input(), t, interpolation, fill, fillValue), TransformTolerance);
    }

    [Theory]
    [MemberData(nameof(Names), "transform")]
    public void AugmentationLayersBuildKerasMatrices(string name)
    {
        // Degenerate ranges (low = high) make the random layers deterministic: their matrices must be Keras's.
        var c = Case(name);
        string fill = (string)c["fill_mode"]!, interpolation = (string)c["interpolation"]!;
        float fillValue = (float)c["fill_value"]!;
        Layer layer = name.Split('_')[0] switch
        {
            "rotate" when name.StartsWith("rotate_30") => new RandomRotation((1.0 / 12, 1.0 / 12), fill, interpolation, seed: 1, fillValue: fillValue),
            "rotate" => new RandomRotation((-0.125, -0.125), fill, interpolation, seed: 1, fillValue: fillValue),
            "zoom" => new RandomZoom((-0.3, -0.3), (0.3, 0.3), fill, interpolation, seed: 1, fillValue: fillValue),
            "translate" => new RandomTranslation((0.2, 0.2), (-0.25, -0.25), fill, interpolation, seed: 1, fillValue: fillValue),
            _ => throw new InvalidOperationException(name),
        };
        Assertions.Close(Expected(c), layer.Call(Input(), training: true), TransformTolerance);
    }
}
