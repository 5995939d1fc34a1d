using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Graft.Applications;
using Graft.Saving;
using Graft.Tensors;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Applications;

public class ImageNetUtilsTests
{
    // Two pixels, RGB, values in [0, 255].
    private static readonly float[] s_pixels = [10, 20, 30, 200, 100, 50];

    [Fact]
    public void CaffeModeFlipsToBgrAndSubtractsImageNetMeans()
    {
        var y = ImageNetUtils.PreprocessInput(Tensor.FromArray(s_pixels, 1, 1, 2, 3), "caffe").ToArray();
        // BGR order, minus Keras's means (103.939, 116.779, 123.68).
        float[] expected = [30 - 103.939f, 20 - 116.779f, 10 - 123.68f, 50 - 103.939f, 100 - 116.779f, 200 - 123.68f];
        Assert.Equal(expected, y, new Tolerance(1e-4f));
    }

    [Fact]
    public void TfModeScalesToMinusOneOne()
    {
        var y = A.PreprocessInput("mobilenet_v2", Tensor.FromArray(s_pixels, 2, 3)).ToArray();
        Assert.Equal(s_pixels.Select(v => v / 127.5f - 1f), y, new Tolerance(1e-6f));
    }

    [Fact]
    public void TorchModeNormalizesWithImageNetStatistics()
    {
        var y = A.PreprocessInput("densenet", Tensor.FromArray(s_pixels, 1, 2, 3)).ToArray();
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        Assert.Equal(s_pixels.Select((v, i) => (v / 255f - mean[i % 3]) / std[i % 3]), y, new Tolerance(1e-5f));
    }

    [Fact]
    public void ChannelsFirstFlipsAndCentersTheChannelAxis()
    {
        // (1, 3, 1, 2): channel planes R = (10, 200), G = (20, 100), B = (30, 50).
        var x = Tensor.FromArray([10, 200, 20, 100, 30, 50], 1, 3, 1, 2);
        var y = ImageNetUtils.PreprocessInput(x, "caffe", "channels_first").ToArray();
        float[] expected = [30 - 103.939f, 50 - 103.939f, 20 - 116.779f, 100 - 116.779f, 10 - 123.68f, 200 - 123.68f];
        Assert.Equal(expected, y, new Tolerance(1e-4f));
    }

    [Fact]
    public void EachModuleHasKerasMode()
    {
        var x = Tensor.FromArray(s_pixels, 1, 2, 3);
        Assert.Equal(ImageNetUtils.PreprocessInput(x, "caffe").ToArray(), A.PreprocessInput("resnet", x).ToArray());
        Assert.Equal(ImageNetUtils.PreprocessInput(x, "caffe").ToArray(), A.PreprocessInput("vgg19", x).ToArray());
        Assert.Equal(ImageNetUtils.PreprocessInput(x, "tf").ToArray(), A.PreprocessInput("resnet_v2", x).ToArray());
        Assert.Equal(ImageNetUtils.PreprocessInput(x, "tf").ToArray(), A.PreprocessInput("xception", x).ToArray());
        Assert.Equal(ImageNetUtils.PreprocessInput(x, "tf").ToArray(), A.PreprocessInput("inception_v3", x).ToArray());
        Assert.Equal(s_pixels, A.PreprocessInput("efficientnet", x).ToArray());
        Assert.Throws<ArgumentException>(() => A.PreprocessInput("alexnet", x));
        Assert.Throws<ArgumentException>(() => ImageNetUtils.PreprocessInput(x, "caffee"));
        Assert.Throws<ArgumentException>(() => ImageNetUtils.PreprocessInput(Tensor.FromArray(new float[8], 1, 2, 4), "caffe"));
    }

    [Fact]
    public void ImageToDecodedLabelsThroughAnApplication()
    {
        string dir = Directory.CreateTempSubdirectory("graft-imagenet").FullName;
        try
        {
            // Keras's class index format, with made-up labels so that no real file is needed.
            string indexPath = Path.Combine(dir, "imagenet_class_index.json");
            var index = new JsonObject();
            for (int k = 0; k < 1000; k++) index[k.ToString()] = new JsonArray($"n{k:D8}", $"label_{k}");
            File.WriteAllText(indexPath, index.ToJsonString());

            var model = A.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: true, weights: null);
            var image = Tensor.FromArray(Enumerable.Range(0, 2 * 96 * 96 * 3).Select(i => (float)((i * 37) % 256)).ToArray(), 2, 96, 96, 3);
            var preds = model.Predict(A.PreprocessInput("mobilenet_v2", image));
            Assert.Equal(new Shape(2, 1000), preds.Shape);

            var decoded = A.DecodePredictions(preds, top: 3, classIndexPath: indexPath);
            var p = preds.ToArray();
            Assert.Equal(2, decoded.Count);
            for (int s = 0; s < 2; s++)
            {
                var expected = Enumerable.Range(0, 1000).OrderByDescending(k => p[s * 1000 + k]).Take(3).ToList();
                Assert.Equal(expected.Select(k => $"n{k:D8}"), decoded[s].Select(d => d.ClassName));
                Assert.Equal(expected.Select(k => $"label_{k}"), decoded[s].Select(d => d.Description));
                Assert.Equal(expected.Select(k => p[s * 1000 + k]), decoded[s].Select(d => d.Score));
                Assert.True(decoded[s][0].Score >= decoded[s][1].Score && decoded[s][1].Score >= decoded[s][2].Score);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void DecodePredictionsChecksItsInputs()
    {
        string dir = Directory.CreateTempSubdirectory("graft-imagenet").FullName;
        try
        {
            string bad = Path.Combine(dir, "index.json");
            File.WriteAllText(bad, """{"0": ["n01440764", "tench"]}""");
            var preds = Tensor.FromArray(new float[1000], 1, 1000);
            var e = Assert.Throws<ModelFormatException>(() => ImageNetUtils.DecodePredictions(preds, classIndexPath: bad));
            Assert.Contains("class 1", e.Message);
            Assert.Contains("expected a batch of predictions of shape (samples, 1000)",
                Assert.Throws<ArgumentException>(() => ImageNetUtils.DecodePredictions(Tensor.FromArray(new float[10], 1, 10), classIndexPath: bad)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TheEmbeddedClassIndexIsKerasFileByteForByte()
    {
        // The MD5 Keras's decode_predictions pins for imagenet_class_index.json.
        using var stream = typeof(ImageNetUtils).Assembly.GetManifestResourceStream(ImageNetUtils.ClassIndexResource);
        Assert.NotNull(stream);
        Assert.Equal("c2c37ea517e94d9795004a39431a14cb", Convert.ToHexStringLower(MD5.HashData(stream)));

        var classes = ImageNetUtils.Classes;
        Assert.Equal(1000, classes.Count);
        Assert.Equal(("n01440764", "tench"), classes[0]);
        Assert.Equal(("n02123045", "tabby"), classes[281]);
        Assert.Equal(("n15075141", "toilet_tissue"), classes[999]);
        Assert.Equal(1000, classes.Select(c => c.WordNetId).Distinct().Count());
        Assert.All(classes, c => Assert.Matches("^n\\d{8}$", c.WordNetId));
    }

    [Fact]
    public void DecodePredictionsNamesImageNetClassesWithoutAnyFile()
    {
        var p = new float[2 * 1000];
        p[281] = 0.6f; p[282] = 0.3f; p[285] = 0.1f;              // tabby, tiger_cat, Egyptian_cat
        p[1000 + 1] = 0.5f; p[1000 + 0] = 0.25f; p[1000 + 2] = 0.25f; // goldfish, then a tie: tench before great_white_shark
        var decoded = A.DecodePredictions(Tensor.FromArray(p, 2, 1000), top: 3);
        Assert.Equal([("n02123045", "tabby", 0.6f), ("n02123159", "tiger_cat", 0.3f), ("n02124075", "Egyptian_cat", 0.1f)], decoded[0]);
        Assert.Equal([("n01443537", "goldfish", 0.5f), ("n01440764", "tench", 0.25f), ("n01484850", "great_white_shark", 0.25f)], decoded[1]);
        Assert.Equal(5, A.DecodePredictions(Tensor.FromArray(p, 2, 1000))[0].Count);   // Keras's default top=5
    }

    [Fact]
    public void DecodePredictionsRefusesWhatIsNotAnImageNetClassifierOutput()
    {
        var rank1 = Assert.Throws<ArgumentException>(() => A.DecodePredictions(Tensor.Zeros(1000))).Message;
        Assert.Contains("expected a batch of predictions of shape (samples, 1000), got shape", rank1);
        Assert.Contains("1000", rank1[rank1.IndexOf("got shape", StringComparison.Ordinal)..]);
        Assert.Contains("got shape (4, 10)", Assert.Throws<ArgumentException>(() => A.DecodePredictions(Tensor.Zeros(4, 10))).Message);
        Assert.Contains("got shape (2, 1001)", Assert.Throws<ArgumentException>(() => A.DecodePredictions(Tensor.Zeros(2, 1001))).Message);
        Assert.Contains("expected top in [1, 1000], got 0",
            Assert.Throws<ArgumentOutOfRangeException>(() => A.DecodePredictions(Tensor.Zeros(1, 1000), top: 0)).Message);

        string dir = Directory.CreateTempSubdirectory("graft-imagenet").FullName;
        try
        {
            var index = new JsonObject();
            for (int k = 0; k < 1001; k++) index[k.ToString()] = new JsonArray($"n{k:D8}", $"label_{k}");
            string file = Path.Combine(dir, "index.json");
            File.WriteAllText(file, index.ToJsonString());
            var e = Assert.Throws<ModelFormatException>(() => A.DecodePredictions(Tensor.Zeros(1, 1000), classIndexPath: file));
            Assert.Contains("expected 1000 classes", e.Message);
            Assert.Contains("got 1001 entries", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    private sealed class Tolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
