using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>
/// Keras 3's color augmentation layers (RandomGrayscale, Solarization, RandomInvert,
/// RandomPosterization): shapes, seeds, training-only action, configs and files.
/// </summary>
public class ColorAugmentationTests
{
    /// <summary>Each random color layer with a seed and a strength that changes a batch of 6x7 RGB images in [0, 1].</summary>
    public static readonly Dictionary<string, Func<long, string?, Layer>> Augmenters = new()
    {
        ["RandomGrayscale"] = (s, f) => new RandomGrayscale(0.7, dataFormat: f, seed: s),
        ["Solarization"] = (s, f) => new Solarization((0.0, 0.3), (0.1, 0.8), valueRange: (0.0, 1.0), seed: s, dataFormat: f),
        ["RandomInvert"] = (s, f) => new RandomInvert((0.3, 0.9), valueRange: (0.0, 1.0), seed: s, dataFormat: f),
        ["RandomPosterization"] = (s, f) => new RandomPosterization((1, 6), valueRange: (0.0, 1.0), dataFormat: f, seed: s),
    };

    public static IEnumerable<object[]> Names => Augmenters.Keys.Select(k => new object[] { k });

    private static Tensor Images(int n = 8, int seed = 11) => GradCheck.Uniform([n, 6, 7, 3], seed, 0f, 1f);

    [Theory]
    [MemberData(nameof(Names))]
    public void InferenceIsTheIdentityAndTrainingKeepsTheShape(string name)
    {
        var x = Images();
        var layer = Augmenters[name](1, null);
        Assert.Equal(x.ToArray(), layer.Call(x, training: false).ToArray());
        Assert.False(layer.TrainingMatchesInference);
        var y = layer.Call(x, training: true);
        Assert.Equal(x.Shape.Dims, y.Shape.Dims);
        Assert.Equal([null, 6, 7, 3], layer.ComputeOutputShape([null, 6, 7, 3]));
        Assert.NotEqual(x.ToArray(), y.ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheSameSeedGivesTheSameAugmentations(string name)
    {
        var x = Images();
        Layer a = Augmenters[name](42, null), b = Augmenters[name](42, null), other = Augmenters[name](43, null);
        var a1 = a.Call(x, training: true).ToArray();
        Assert.Equal(a1, b.Call(x, training: true).ToArray());
        Assert.Equal(a.Call(x, training: true).ToArray(), b.Call(x, training: true).ToArray());
        var others = Enumerable.Range(0, 4).Select(_ => other.Call(x, training: true).ToArray()).ToList();
        Assert.Contains(others, o => !o.SequenceEqual(a1));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SingleImagesAndChannelsFirstAugmentAlike(string name)
    {
        var batch = Images(1);
        var yBatch = Augmenters[name](9, null).Call(batch, training: true);
        var ySingle = Augmenters[name](9, null).Call(Ops.Squeeze(batch, 0), training: true);
        Assert.Equal(yBatch.ToArray(), ySingle.ToArray());
        var x = Images();
        var last = Augmenters[name](5, null).Call(x, training: true);
        var first = Augmenters[name](5, "channels_first").Call(Ops.Permute(x, 0, 3, 1, 2), training: true);
        Assertions.Close(last, Ops.Permute(first, 0, 2, 3, 1), 1e-6f);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ALoadedConfigAugmentsLikeTheOriginal(string name)
    {
        var x = Images();
        var layer = Augmenters[name](7, "channels_first");
        var copy = LayerRegistry.FromConfig(layer.ClassName, layer.GetConfig());
        Assert.Equal(layer.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());
        var xf = Ops.Permute(x, 0, 3, 1, 2);
        Assert.Equal(layer.Call(xf, training: true).ToArray(), copy.Call(xf, training: true).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ImagesOfAnotherRankAreRejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Augmenters[name](1, null).Call(Tensor.Zeros(4, 6), training: true));
        Assert.Contains("expected images of rank 3 (one image) or 4 (a batch)", e.Message);
    }

    [Fact]
    public void ConfigsUseKerasNamesAndForms()
    {
        var gray = new RandomGrayscale(0.7, seed: 3).GetConfig();
        Assert.Equal("0.7", gray["factor"]!.ToJsonString());
        Assert.Equal("3", gray["seed"]!.ToJsonString());
        Assert.Equal("channels_last", (string)gray["data_format"]!);
        // One number f means (0, f) for Solarization's factors and RandomInvert's, (1, f) for RandomPosterization's.
        var solarization = new Solarization(0.5, (0.2, 0.1), valueRange: (1.0, 0.0)).GetConfig();
        Assert.Equal("[0,0.5]", solarization["addition_factor"]!.ToJsonString());
        Assert.Equal("[0.1,0.2]", solarization["threshold_factor"]!.ToJsonString());
        Assert.Equal("[0,1]", solarization["value_range"]!.ToJsonString());
        Assert.Equal("[0,1]", new RandomInvert().GetConfig()["factor"]!.ToJsonString());
        Assert.Equal("[1,5]", new RandomPosterization(5).GetConfig()["factor"]!.ToJsonString());
        var loaded = LayerRegistry.FromConfig("Solarization", Json("""{"name": "s", "addition_factor": 0.25, "threshold_factor": [0.5, 1], "value_range": [0, 255]}"""));
        Assert.Equal("[0,0.25]", loaded.GetConfig()["addition_factor"]!.ToJsonString());
        Assert.Equal("[0.5,1]", loaded.GetConfig()["threshold_factor"]!.ToJsonString());
    }

    private static System.Text.Json.Nodes.JsonObject Json(string s) => System.Text.Json.Nodes.JsonNode.Parse(s)!.AsObject();

    [Fact]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        Assert.Contains("expected factor in [0, 1], got 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomGrayscale(1.5)).Message);
        Assert.Contains("threshold_factor", Assert.Throws<ArgumentOutOfRangeException>(() => new Solarization(thresholdFactor: 2)).Message);
        Assert.Contains("in [1, 8], got 9", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomPosterization(9)).Message);
        Assert.Contains("whole numbers of bits", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomPosterization(2.5)).Message);
        Assert.Contains("two different finite numbers", Assert.Throws<ArgumentException>(() => new RandomPosterization(2, valueRange: (1.0, 1.0))).Message);
        Assert.Contains("3 (RGB) or 1 (grayscale) channels",
            Assert.Throws<ArgumentException>(() => new RandomGrayscale(1).Call(Tensor.Zeros(1, 2, 2, 4), training: true)).Message);
    }

    [Fact]
    public void GrayscaleAppliesWithTheGivenProbabilityAndLeavesOneChannelAlone()
    {
        var x = Images(400);
        var y = new RandomGrayscale(0.3, seed: 2).Call(x, training: true).ToArray();
        var xs = x.ToArray();
        int per = 6 * 7 * 3, gray = 0;
        for (int b = 0; b < 400; b++)
        {
            var image = y.AsSpan(b * per, per).ToArray();
            if (image.SequenceEqual(xs.AsSpan(b * per, per).ToArray())) continue;
            gray++;
            for (int p = 0; p < per; p += 3) { Assert.Equal(image[p], image[p + 1]); Assert.Equal(image[p], image[p + 2]); }
        }
        Assert.InRange(gray, 90, 150);   // 400 · 0.3 = 120
        Assert.Equal(x.ToArray(), new RandomGrayscale(0, seed: 2).Call(x, training: true).ToArray());
        var one = GradCheck.Uniform([2, 3, 3, 1], 1, 0f, 1f);
        Assert.Equal(one.ToArray(), new RandomGrayscale(1, seed: 2).Call(one, training: true).ToArray());
    }

    [Fact]
    public void SolarizationInvertsOnlyValuesAboveItsThreshold()
    {
        // Threshold factor (0.5, 0.5) draws thresholds in [0.5, 127.5] (Keras scales only the upper end):
        // values below 0.5 are never solarized, values at or above 127.5 always are.
        var x = Tensor.FromArray([0f, 0.4f, 127.5f, 200f, 255f], 1, 1, 5, 1);
        for (int seed = 0; seed < 10; seed++)
        {
            var y = new Solarization(thresholdFactor: (0.5, 0.5), seed: seed).Call(x, training: true).ToArray();
            Assert.Equal([0f, 0.4f, 127.5f, 55f, 0f], y);
        }
        // Any threshold either keeps a value or solarizes it.
        var added = new Solarization(additionFactor: (0, 0), thresholdFactor: 1, seed: 1).Call(x, training: true).ToArray();
        Assert.All(added.Zip(x.ToArray()), p => Assert.True(p.First == p.Second || p.First == 255f - p.Second));
    }

    [Fact]
    public void PosterizationKeepsTheTopBitsOfEachByte()
    {
        var x = Tensor.FromArray([0f, 1f, 127.9f, 128f, 200f, 255f], 1, 1, 6, 1);
        Assert.Equal([0f, 0f, 96f, 128f, 192f, 224f], new RandomPosterization((3, 3), seed: 1).Call(x, training: true).ToArray());
        Assert.Equal([0f, 1f, 127f, 128f, 200f, 255f], new RandomPosterization((8, 8), seed: 1).Call(x, training: true).ToArray());
        // (1, 4) draws 1, 2 or 3 bits, never 4 (the upper end is excluded, as Keras's randint).
        var batch = Tensor.Full(255f, 200, 1, 1, 1);
        var values = new RandomPosterization(4, seed: 5).Call(batch, training: true).ToArray().Distinct().Order().ToArray();
        Assert.Equal([128f, 192f, 224f], values);
    }

    [Fact]
    public void InvertWithProbabilityOneInvertsEveryImageAboutTheUpperEnd()
    {
        var x = Images(5);
        var y = new RandomInvert((1.0, 1.0), valueRange: (0.0, 1.0), seed: 1).Call(x, training: true).ToArray();
        Assert.Equal(x.ToArray().Select(v => 1f - v), y);
        Assert.Equal(x.ToArray(), new RandomInvert((0.0, 0.0), seed: 1).Call(x, training: true).ToArray());
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void ModelsWithTheLayersSaveAndLoad(string extension)
    {
        var model = new Sequential(
        [
            new RandomGrayscale(0.4, seed: 1, inputShape: [6, 7, 3]),
            new Solarization(0.1, (0.2, 0.6), valueRange: (0.0, 1.0), seed: 2),
            new RandomInvert(0.5, valueRange: (0.0, 1.0), seed: 3, dataFormat: "channels_last"),
            new RandomPosterization((2, 7), valueRange: (0.0, 1.0), seed: 4),
            new Flatten(),
            new Dense(2, kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 8 }),
        ], name: "colors");
        var x = Images(3);
        var predicted = model.Predict(x);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Layers.Select(l => l.ClassName), loaded.Layers.Select(l => l.ClassName));
            static string Config(Layer l) { var c = l.GetConfig(); c.Remove("batch_input_shape"); return c.ToJsonString(); }
            for (int i = 0; i < model.Layers.Count; i++) Assert.Equal(Config(model.Layers[i]), Config(loaded.Layers[i]));
            Assert.Equal(predicted.ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal(model.Call(x, training: true).ToArray(), loaded.Call(x, training: true).ToArray());
        }
        finally { File.Delete(path); }
    }
}
