using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Preprocessing;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers.Preprocessing;

/// <summary>
/// What every random image layer promises, as in Keras: active only in training, the same
/// augmentation for the same seed, per-image draws, single images and channels-first input.
/// </summary>
public class AugmentationLayerTests
{
    /// <summary>Each random layer with a seed and a strength that always changes a 6x7 image.</summary>
    public static readonly Dictionary<string, Func<long, string?, Layer>> Augmenters = new()
    {
        ["RandomFlip"] = (s, f) => new RandomFlip("horizontal", seed: s, dataFormat: f),
        ["RandomRotation"] = (s, f) => new RandomRotation((0.05, 0.2), seed: s, dataFormat: f),
        ["RandomZoom"] = (s, f) => new RandomZoom((0.2, 0.5), (-0.5, -0.2), seed: s, dataFormat: f),
        ["RandomTranslation"] = (s, f) => new RandomTranslation((0.1, 0.3), (-0.3, -0.1), seed: s, dataFormat: f),
        ["RandomContrast"] = (s, f) => new RandomContrast((0.3, 0.6), valueRange: (0f, 1f), seed: s, dataFormat: f),
        ["RandomBrightness"] = (s, f) => new RandomBrightness((0.1, 0.3), valueRange: (-1f, 2f), seed: s, dataFormat: f),
        ["RandomCrop"] = (s, f) => new RandomCrop(4, 5, seed: s, dataFormat: f),
    };

    public static IEnumerable<object[]> Names => Augmenters.Keys.Select(k => new object[] { k });

    private static Tensor Images(int n = 4, int seed = 11) => GradCheck.Uniform([n, 6, 7, 3], seed, 0f, 1f);

    [Theory]
    [MemberData(nameof(Names))]
    public void InferenceIsTheIdentity(string name)
    {
        var x = Images();
        var layer = Augmenters[name](1, null);
        var y = layer.Call(x, training: false);
        if (layer is RandomCrop) Assert.Equal([4, 4, 5, 3], y.Shape.ToArray());   // center crop at inference (see RandomCropTests)
        else Assert.Equal(x.ToArray(), y.ToArray());
        Assert.False(layer.TrainingMatchesInference);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TrainingChangesTheImagesAndKeepsTheShape(string name)
    {
        var x = Images();
        var layer = Augmenters[name](1, null);
        var y = layer.Call(x, training: true);
        int?[] expected = layer.ComputeOutputShape([null, 6, 7, 3]);
        Assert.Equal(expected.Skip(1).Select(d => d!.Value), y.Shape.Dims[1..]);
        if (layer is not RandomCrop && layer is not RandomFlip) Assert.NotEqual(x.ToArray(), y.ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheSameSeedGivesTheSameAugmentations(string name)
    {
        var x = Images();
        Layer a = Augmenters[name](42, null), b = Augmenters[name](42, null), other = Augmenters[name](43, null);
        var a1 = a.Call(x, training: true).ToArray(); var a2 = a.Call(x, training: true).ToArray();
        Assert.Equal(a1, b.Call(x, training: true).ToArray());
        Assert.Equal(a2, b.Call(x, training: true).ToArray());
        // Successive calls and other seeds draw new augmentations (over a few calls, for the coin flips).
        var others = Enumerable.Range(0, 4).Select(_ => other.Call(x, training: true).ToArray()).ToList();
        Assert.Contains(others, o => !o.SequenceEqual(a1));
        var more = Enumerable.Range(0, 4).Select(_ => a.Call(x, training: true).ToArray()).ToList();
        Assert.Contains(more, o => !o.SequenceEqual(a1));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EachImageOfABatchGetsItsOwnDraw(string name)
    {
        if (name == "RandomCrop") return;   // Keras crops one window for the whole batch
        // Eight copies of one image: a per-image draw makes them differ.
        var one = Images(1);
        var x = Ops.Concatenate(Enumerable.Repeat(one, 8), axis: 0);
        var y = Augmenters[name](3, null).Call(x, training: true);
        int per = one.Size;
        var images = Enumerable.Range(0, 8).Select(i => y.ToArray().AsSpan(i * per, per).ToArray()).ToList();
        Assert.Contains(images, im => !im.SequenceEqual(images[0]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ASingleImageIsAugmentedAsABatchOfOne(string name)
    {
        var batch = Images(1);
        var single = Ops.Squeeze(batch, 0);
        var yBatch = Augmenters[name](9, null).Call(batch, training: true);
        var ySingle = Augmenters[name](9, null).Call(single, training: true);
        Assert.Equal(yBatch.Shape.Dims[1..], ySingle.Shape.Dims);
        Assert.Equal(yBatch.ToArray(), ySingle.ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ChannelsFirstGivesTheSameAugmentation(string name)
    {
        var x = Images();
        var last = Augmenters[name](5, null).Call(x, training: true);
        var first = Augmenters[name](5, "channels_first").Call(Ops.Permute(x, 0, 3, 1, 2), training: true);
        Assertions.Close(last, Ops.Permute(first, 0, 2, 3, 1), 1e-6f);
        Assert.Equal("channels_first", Augmenters[name](5, "channels_first").GetConfig()["data_format"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ALoadedConfigAugmentsLikeTheOriginal(string name)
    {
        var x = Images();
        var layer = Augmenters[name](7, null);
        var copy = LayerRegistry.FromConfig(layer.ClassName, layer.GetConfig());
        Assert.Equal(layer.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());
        Assert.Equal(layer.Call(x, training: true).ToArray(), copy.Call(x, training: true).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ImagesOfAnotherRankAreRejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Augmenters[name](1, null).Call(Tensor.Zeros(4, 6), training: true));
        Assert.Contains("expected images of rank 3 (one image) or 4 (a batch)", e.Message);
        Assert.Contains("(4, 6)", e.Message);
    }

    [Fact]
    public void ZeroStrengthIsTheIdentityInTraining()
    {
        var x = Images();
        foreach (var layer in new Layer[] { new RandomRotation(0, seed: 1), new RandomZoom(0, seed: 1), new RandomTranslation(0, 0, seed: 1),
                     new RandomContrast(0, valueRange: (0f, 1f), seed: 1), new RandomBrightness(0, valueRange: (0f, 1f), seed: 1) })
            Assert.Equal(x.ToArray(), layer.Call(x, training: true).ToArray());
    }

    [Fact]
    public void RandomContrastScalesEachChannelAboutItsMeanByOneFactorPerImage()
    {
        var x = Images(3);
        var y = new RandomContrast(0.3, valueRange: (0f, 1f), seed: 2).Call(x, training: true).ToArray();
        var xs = x.ToArray();
        int h = 6, w = 7, c = 3, per = h * w * c;
        var factors = new List<double>();
        for (int b = 0; b < 3; b++)
        {
            var mean = new double[c];
            for (int p = 0; p < h * w; p++) for (int k = 0; k < c; k++) mean[k] += xs[b * per + p * c + k] / (h * w);
            // The factor, from the pixel farthest from its channel's mean (one factor for the whole image).
            int best = Enumerable.Range(0, per).MaxBy(i => Math.Abs(xs[b * per + i] - mean[i % c]) * (y[b * per + i] is > 0f and < 1f ? 1 : 0));
            double f = (y[b * per + best] - mean[best % c]) / (xs[b * per + best] - mean[best % c]);
            Assert.InRange(f, 1.0, 1.3 + 1e-5);   // one number f: Keras 3 draws factors in [1, 1 + f]
            factors.Add(f);
            for (int i = 0; i < per; i++)
                Assert.Equal(Math.Clamp((xs[b * per + i] - mean[i % c]) * f + mean[i % c], 0, 1), y[b * per + i], 4);
        }
        Assert.Equal(3, factors.Distinct().Count());
    }

    [Fact]
    public void RandomBrightnessAddsAFractionOfTheValueRangeAndClips()
    {
        // A degenerate range (0.2, 0.2) adds exactly 0.2 · (255 − 0) to every pixel.
        var x = Tensor.FromArray([0f, 10f, 200f, 255f], 1, 2, 2, 1);
        Assert.Equal([51f, 61f, 251f, 255f], new RandomBrightness((0.2, 0.2), seed: 1).Call(x, training: true).ToArray());
        Assert.Equal([0f, 0f, 149f, 204f], new RandomBrightness((-0.2, -0.2), seed: 1).Call(x, training: true).ToArray());
        // One number f draws from [−f, f]·range: over many images both signs occur, within the bound.
        var gray = Tensor.Full(100f, 64, 1, 1, 1);
        var deltas = new RandomBrightness(0.1, seed: 3).Call(gray, training: true).ToArray().Select(v => v - 100f).ToArray();
        Assert.All(deltas, d => Assert.InRange(d, -25.5f, 25.5f));
        Assert.Contains(deltas, d => d < 0); Assert.Contains(deltas, d => d > 0);
    }

    [Fact]
    public void RotationZoomAndTranslationDrawWithinTheirRanges()
    {
        // A one-pixel dot moves where the transform sends it; nearest interpolation and a constant
        // fill keep it a single pixel.
        var dot = new float[1 * 21 * 21 * 1]; dot[10 * 21 + 16] = 1f;   // (y 10, x 16): 6 right of the center
        var x = Ops.Concatenate(Enumerable.Repeat(Tensor.FromArray(dot, 1, 21, 21, 1), 32), axis: 0);
        var rotated = new RandomRotation((0.05, 0.2), "constant", "nearest", seed: 4).Call(x, training: true).ToArray();
        for (int b = 0; b < 32; b++)
        {
            int p = Array.IndexOf(rotated, 1f, b * 441, 441) - b * 441;
            Assert.True(p >= 0, $"image {b}: the dot left the image");
            // Counter-clockwise on screen (y down) by 18° to 72°: the dot moves up, angle atan2(10 − y, x − 10).
            double angle = Math.Atan2(10 - p / 21, p % 21 - 10) * 180 / Math.PI;
            Assert.InRange(angle, 18 - 10, 72 + 10);
        }
        var shifted = new RandomTranslation((0.1, 0.2), (-0.2, -0.1), "constant", "nearest", seed: 4).Call(x, training: true).ToArray();
        for (int b = 0; b < 32; b++)
        {
            int p = Array.IndexOf(shifted, 1f, b * 441, 441) - b * 441;
            Assert.InRange(p / 21 - 10, 2, 5);      // down by 0.1..0.2 · 21 = 2.1..4.2 pixels
            Assert.InRange(p % 21 - 16, -5, -2);    // left by 2.1..4.2 pixels
        }
    }

    [Fact]
    public void RandomFlipModesFlipTheRightAxes()
    {
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 1, 2, 3, 1);
        var seen = new HashSet<string>();
        foreach (var (mode, flipped) in new[] { ("horizontal", "3,2,1,6,5,4"), ("vertical", "4,5,6,1,2,3"), ("horizontal_and_vertical", "6,5,4,3,2,1") })
        {
            var layer = new RandomFlip(mode, seed: 8);
            for (int i = 0; i < 10; i++)
            {
                string y = string.Join(",", layer.Call(x, training: true).ToArray());
                Assert.True(y == flipped || y == "1,2,3,4,5,6", $"{mode}: got {y}");
                seen.Add(mode + y);
            }
        }
        Assert.Equal(6, seen.Count);
    }
}
