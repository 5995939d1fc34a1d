using System.Text.Json.Nodes;
using Graft.Layers;
using Graft.Layers.Preprocessing;
using Graft.Saving;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>Keras's config keys and factor forms for the image layers, and clear errors for bad arguments.</summary>
public class ImageLayerArgumentTests
{
    [Fact]
    public void FactorsAreWrittenAsKerasWritesThem()
    {
        // Keras keeps the normalized (lower, upper) range for rotation, contrast and brightness, and
        // the factor as given for zoom and translation.
        Assert.Equal("[-0.2,0.2]", new RandomRotation(0.2).GetConfig()["factor"]!.ToJsonString());
        Assert.Equal("[-0.1,0.3]", new RandomRotation((0.3, -0.1)).GetConfig()["factor"]!.ToJsonString());
        Assert.Equal("[0,0.2]", new RandomContrast(0.2).GetConfig()["factor"]!.ToJsonString());
        Assert.Equal("[-0.5,0.5]", new RandomBrightness(-0.5).GetConfig()["factor"]!.ToJsonString());
        Assert.Equal("[0,255]", new RandomBrightness(0.5).GetConfig()["value_range"]!.ToJsonString());
        Assert.Equal("[0,1]", new RandomBrightness(0.5, valueRange: (1f, 0f)).GetConfig()["value_range"]!.ToJsonString());
        var zoom = new RandomZoom(0.2).GetConfig();
        Assert.Equal("0.2", zoom["height_factor"]!.ToJsonString());
        Assert.Null(zoom["width_factor"]);
        Assert.True(zoom.ContainsKey("width_factor"));
        Assert.Equal("[-0.3,0.1]", new RandomTranslation(0.2, (-0.3, 0.1)).GetConfig()["width_factor"]!.ToJsonString());
        Assert.NotNull(new RandomCrop(2, 2).GetConfig()["seed"]);   // Keras fixes a seed when none is given
    }

    [Fact]
    public void KerasConfigsLoadWithTheirDefaults()
    {
        // Keys as Keras 3's get_config writes them, and Keras 2's shorter configs (no data_format, no value_range).
        var rotation = (RandomRotation)LayerRegistry.FromConfig("RandomRotation", Json("""{"name": "rr", "trainable": true, "dtype": "float32", "factor": [-0.1, 0.2], "data_format": "channels_last", "fill_mode": "constant", "fill_value": 0.5, "interpolation": "nearest", "seed": 7}"""));
        Assert.Equal((-0.1f, 0.2f), (rotation.Factor.Low, rotation.Factor.High));
        Assert.Equal(("constant", 0.5f, "nearest", 7L), (rotation.FillMode, rotation.FillValue, rotation.Interpolation, rotation.Seed!.Value));
        var contrast = (RandomContrast)LayerRegistry.FromConfig("RandomContrast", Json("""{"name": "rc", "trainable": true, "factor": 0.2, "seed": null}"""));
        Assert.Equal((0f, 0.2f, 0f, 255f), (contrast.Factor.Low, contrast.Factor.High, contrast.ValueRange.Low, contrast.ValueRange.High));
        var flip = (RandomFlip)LayerRegistry.FromConfig("RandomFlip", Json("""{"name": "rf", "mode": "horizontal", "seed": null}"""));
        Assert.Equal(("horizontal", "channels_last"), (flip.Mode, flip.DataFormat));
        var resizing = (Resizing)LayerRegistry.FromConfig("Resizing", Json("""{"name": "rs", "height": 4, "width": 5, "interpolation": "area", "crop_to_aspect_ratio": true}"""));
        Assert.Equal((4, 5, "area", true, false), (resizing.Height, resizing.Width, resizing.Interpolation, resizing.CropToAspectRatio, resizing.PadToAspectRatio));
        var zoom = (RandomZoom)LayerRegistry.FromConfig("RandomZoom", Json("""{"name": "rz", "height_factor": [-0.2, 0.3], "width_factor": null}"""));
        Assert.Null(zoom.WidthFactor);
        Assert.True(zoom.HeightFactor.IsRange);
    }

    [Fact]
    public void BadConfigValuesNameTheLayerAndKey()
    {
        var e = Assert.Throws<ModelFormatException>(() => LayerRegistry.FromConfig("RandomRotation", Json("""{"name": "rr", "factor": "big"}""")));
        Assert.Contains("RandomRotation 'rr'", e.Message);
        Assert.Contains("'factor'", e.Message);
        Assert.Contains("a number or a list of two numbers", e.Message);
        Assert.Contains("'value_range'", Assert.Throws<ModelFormatException>(() => LayerRegistry.FromConfig("RandomBrightness", Json("""{"name": "rb", "factor": 0.1, "value_range": [0, 1, 2]}"""))).Message);
        Assert.Contains("'height'", Assert.Throws<ModelFormatException>(() => LayerRegistry.FromConfig("CenterCrop", Json("""{"name": "cc", "width": 3}"""))).Message);
    }

    public static IEnumerable<object[]> BadArguments() => new (Func<Layer> Create, string Expected)[]
    {
        (() => new RandomRotation(1.5), "expected factor to be a number or a (low, high) pair in [-1, 1], got 1.5"),
        (() => new RandomRotation((0.1, float.NaN)), "got (0.1, NaN)"),
        (() => new RandomZoom(-1), "expected height_factor to be a number or a (low, high) pair in (-1, 1], got -1"),
        (() => new RandomZoom(0.2, (0.1, 1.2)), "width_factor"),
        (() => new RandomTranslation(0.1, (-2, 0.1)), "width_factor to be a number or a (low, high) pair in [-1, 1]"),
        (() => new RandomContrast(-0.1), "expected factor to be a number or a (low, high) pair in [0, 1], got -0.1"),
        (() => new RandomContrast(1.5), "in [0, 1]"),
        (() => new RandomBrightness(2), "in [-1, 1], got 2"),
        (() => new RandomContrast(0.1, valueRange: (1f, 1f)), "expected value_range (low, high) with finite low < high"),
        (() => new RandomFlip("diagonal"), "expected mode in {\"horizontal\", \"vertical\", \"horizontal_and_vertical\"}, got \"diagonal\""),
        (() => new RandomRotation(0.1, fillMode: "mirror"), "expected fill_mode in {\"reflect\", \"wrap\", \"constant\", \"nearest\"}, got \"mirror\""),
        (() => new RandomZoom(0.1, interpolation: "bicubic"), "expected interpolation in {\"nearest\", \"bilinear\"}, got \"bicubic\""),
        (() => new RandomTranslation(0.1, 0.1, dataFormat: "nhwc"), "expected data_format \"channels_last\" or \"channels_first\", got \"nhwc\""),
        (() => new Resizing(0, 3), "expected a height and width of at least 1, got 0x3"),
        (() => new Resizing(3, 3, "cubic"), "expected interpolation in"),
        (() => new Resizing(3, 3, cropToAspectRatio: true, padToAspectRatio: true), "expected at most one of crop_to_aspect_ratio and pad_to_aspect_ratio"),
        (() => new Resizing(3, 3, fillMode: "reflect"), "expected fill_mode in {\"constant\"}"),
        (() => new CenterCrop(2, -1), "got 2x-1"),
        (() => new RandomCrop(0, 2), "got 0x2"),
    }.Select(c => new object[] { c.Create, c.Expected });

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgumentsAreRejectedClearly(Func<Layer> create, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Contains(expected, e.Message);
        Assert.Matches("^(Random[A-Za-z]+|Resizing|CenterCrop) '", e.Message);
    }

    private static JsonObject Json(string s) => JsonNode.Parse(s)!.AsObject();
}
