using Graft.Applications;
using Graft.Saving;
using A = Graft.Applications.Applications;

namespace Graft.Tests.Applications;

/// <summary>Where ImageNet weights come from: the cache, a download (never a real one here), or a clear error.</summary>
public sealed class PretrainedWeightsTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("graft-cache").FullName;
    private readonly string? _saved = Environment.GetEnvironmentVariable("GRAFT_CACHE");

    public PretrainedWeightsTests() => Environment.SetEnvironmentVariable("GRAFT_CACHE", _cache);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("GRAFT_CACHE", _saved);
        Directory.Delete(_cache, true);
    }

    [Fact]
    public void ImagenetWeightsComeFromTheCacheUnderKerasFileName()
    {
        // Keras publishes no hash for MobileNet's files, so a cached copy is taken as it is.
        var source = A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false, weights: null);
        source.SaveWeights(Path.Combine(_cache, "mobilenet_2_5_128_tf_no_top.h5"));
        var model = A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false, weights: "imagenet");
        Assert.Equal("mobilenet_0.25_128", model.Name);
        var kernel = model.GetLayer("conv_pw_13").Weights[0].Value.ToArray();
        Assert.Equal(source.GetLayer("conv_pw_13").Weights[0].Value.ToArray(), kernel);
    }

    [Fact]
    public void AKeras3WeightsFileLoadsByPosition()
    {
        var source = A.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: false, weights: null);
        string path = Path.Combine(_cache, "mobilenet_v2.weights.h5");
        source.SaveWeights(path);   // Keras 3's layout: layers/<class key>/vars/<i>, keyed by Keras's layer order
        var loaded = A.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: false, weights: path);
        foreach (var (a, b) in source.Weights.Zip(loaded.Weights))
            Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
    }

    [Fact]
    public void OfflineIsAClearErrorNamingTheFileAndWhereToPutIt()
    {
        // Port 1 on the loopback refuses at once: what an offline machine answers.
        var file = new PretrainedFile("graft_test_missing_weights.h5", "http://127.0.0.1:1/graft_test_missing_weights.h5", "0123456789abcdef0123456789abcdef");
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Get(file, "Applications.Test"));
        Assert.Contains("Applications.Test: expected Keras's file graft_test_missing_weights.h5 in " + _cache, e.Message);
        Assert.Contains("downloading it from http://127.0.0.1:1/graft_test_missing_weights.h5 failed", e.Message);
        Assert.Contains($"put it in {_cache}", e.Message);
        Assert.False(File.Exists(Path.Combine(_cache, file.FileName)));
        Assert.Empty(Directory.GetFiles(_cache));   // no partial download left behind
    }

    [Fact]
    public void AnUnansweredConnectionTimesOutIntoTheSameError()
    {
        // A non-routable address: the connection never completes (or the network is unreachable), and the connect timeout ends it.
        var file = new PretrainedFile("graft_test_timeout.h5", "http://10.255.255.1/graft_test_timeout.h5", null);
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Get(file, "Applications.Test", connectTimeout: TimeSpan.FromSeconds(1)));
        Assert.Contains("expected Keras's file graft_test_timeout.h5", e.Message);
        Assert.Contains("failed (", e.Message);
    }

    [Fact]
    public void ACachedFileWithAnotherHashIsNotUsed()
    {
        File.WriteAllText(Path.Combine(_cache, "graft_test_stale.h5"), "not the official file");
        var file = new PretrainedFile("graft_test_stale.h5", "http://127.0.0.1:1/graft_test_stale.h5", "0123456789abcdef0123456789abcdef");
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Get(file, "Applications.Test"));
        Assert.Contains("has MD5 ", e.Message);
        Assert.Contains("not Keras's 0123456789abcdef0123456789abcdef", e.Message);
    }

    [Fact]
    public void ASha256HashIsCheckedAsSha256()
    {
        // Keras's get_file reads a 64-digit hash as SHA-256 (ConvNeXt's files), a 32-digit one as MD5.
        string path = Path.Combine(_cache, "graft_test_sha.h5");
        File.WriteAllText(path, "weights");
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("weights"u8.ToArray()));
        Assert.Equal(path, PretrainedWeights.Get(new PretrainedFile("graft_test_sha.h5", "http://127.0.0.1:1/graft_test_sha.h5", sha), "Applications.Test"));
        string other = new('0', 64);
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Get(new PretrainedFile("graft_test_sha.h5", "http://127.0.0.1:1/graft_test_sha.h5", other), "Applications.Test"));
        Assert.Contains($"has SHA-256 {sha}, not Keras's {other}", e.Message);
    }

    [Fact]
    public void LaterFamiliesCheckKerasArgumentsBeforeAnyDownload()
    {
        Assert.Contains("containing 'convnext_small'", Assert.Throws<ArgumentException>(() => A.ConvNeXtSmall(name: "my_convnext")).Message);
        Assert.StartsWith("Applications.ConvNeXtXLarge: expected a model name containing 'convnext_xlarge'", Assert.Throws<ArgumentException>(() => A.ConvNeXtXLarge(name: "big")).Message);
        Assert.Contains("expected alpha 0.75 or 1.0", Assert.Throws<ArgumentException>(() => A.MobileNetV3Large(alpha: 0.5)).Message);
        Assert.Contains("expected alpha 0.75 or 1.0 (1.0 when minimalistic)", Assert.Throws<ArgumentException>(() => A.MobileNetV3Small(alpha: 0.75, minimalistic: true)).Message);
        Assert.Contains("at least 32x32", Assert.Throws<ArgumentException>(() => A.MobileNetV3Small(inputShape: [16, 64, 3], weights: null)).Message);
        Assert.Contains("expected inputShape (384, 384, 3)", Assert.Throws<ArgumentException>(() => A.EfficientNetV2S(inputShape: [224, 224, 3])).Message);
        Assert.Contains("expected classes = 1000", Assert.Throws<ArgumentException>(() => A.EfficientNetV2B1(classes: 10)).Message);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public void KerasArgumentChecksComeBeforeAnyDownload()
    {
        Assert.Contains("expected weights null", Assert.Throws<ArgumentException>(() => A.ResNet50(weights: "imagenett")).Message);
        Assert.Contains("expected classes = 1000", Assert.Throws<ArgumentException>(() => A.ResNet50(classes: 10)).Message);
        Assert.Contains("expected inputShape (224, 224, 3)", Assert.Throws<ArgumentException>(() => A.VGG16(inputShape: [200, 200, 3])).Message);
        Assert.Contains("expected pooling null", Assert.Throws<ArgumentException>(() => A.DenseNet121(includeTop: false, weights: null, pooling: "mean")).Message);
        Assert.Contains("at least 75x75", Assert.Throws<ArgumentException>(() => A.InceptionV3(includeTop: false, weights: null, inputShape: [64, 64, 3])).Message);
        Assert.Contains("expected classifierActivation", Assert.Throws<ArgumentException>(() => A.MobileNetV2(classifierActivation: "sigmoid")).Message);
        Assert.Contains("expected alpha 0.25", Assert.Throws<ArgumentException>(() => A.MobileNet(alpha: 0.3)).Message);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public void AWeightsFileOfAnotherModelIsRefused()
    {
        string path = Path.Combine(_cache, "with_top.h5");
        A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: true, weights: null).SaveWeights(path);
        // Every layer of the model without the top is in the file, and the file has one more: by name it would be silently dropped.
        var e = Assert.Throws<ModelFormatException>(() => A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false, weights: path));
        Assert.Contains("conv_preds", e.Message);
        // The other way round the file lacks the classifier: by position, the counts differ.
        string noTop = Path.Combine(_cache, "no_top.h5");
        A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false, weights: null).SaveWeights(noTop);
        Assert.Throws<ModelFormatException>(() => A.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: true, weights: noTop));
    }
}
