using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Preprocessing;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Datasets;
using Graft.Tests.Testing;
using Graft.Vision;
using Microsoft.Extensions.Logging;

namespace Graft.Tests.Vision;

/// <summary>
/// ImageDataset.FromDirectory on folders of Fashion-MNIST images written by the tests: Keras's class
/// inference, split and label rules, exact pixels for lossless formats, TensorFlow's resizing, errors.
/// </summary>
public sealed class ImageDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("graft-images").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The i-th Fashion-MNIST test image of class <paramref name="label"/>, as bytes.</summary>
    private static byte[] Fashion(int label, int i)
    {
        var (x, y) = RepositoryData.Fashion.Test;
        var labels = y.ToArray();
        int index = Enumerable.Range(0, labels.Length).Where(k => labels[k] == label).ElementAt(i);
        return x[index].ToArray().Select(v => (byte)v).ToArray();
    }

    /// <summary>A folder per class with <paramref name="perClass"/> images each, cycling through the four formats.</summary>
    private string Folder(string name, (string Class, int Label)[] classes, int perClass)
    {
        string dir = Path.Combine(_root, name);
        string[] formats = [".png", ".bmp", ".gif", ".jpg"];
        foreach (var (cls, label) in classes)
            for (int i = 0; i < perClass; i++)
                ImageFiles.Write(Path.Combine(dir, cls, $"img_{i:D3}{formats[i % 4]}"), Fashion(label, i), 28, 28);
        return dir;
    }

    [Fact]
    public void SplitsAsKerasDoesIntoDisjointSubsets()
    {
        var dir = Folder("split", [("sandal", 5), ("shirt", 6), ("tshirt", 0)], 7);
        var (train, val) = ImageDataset.FromDirectory(dir, validationSplit: 0.2, subset: "both", seed: 1337, imageSize: (28, 28), batchSize: 5);
        // int(0.2 * 21) = 4 files in validation, as Keras's get_training_or_validation_split.
        Assert.Equal(17, train.FilePaths.Count);
        Assert.Equal(4, val.FilePaths.Count);
        Assert.Empty(train.FilePaths.Intersect(val.FilePaths));
        Assert.Equal(21, train.FilePaths.Union(val.FilePaths).Count());
        Assert.Equal(4, train.Cardinality);
        Assert.Equal(1, val.Cardinality);
        Assert.Equal([5, 5, 5, 2], train.Select(b => b.X.Shape[0]));
        // The same seed gives the same subsets one at a time.
        var trainOnly = ImageDataset.FromDirectory(dir, validationSplit: 0.2, subset: "training", seed: 1337, imageSize: (28, 28));
        var valOnly = ImageDataset.FromDirectory(dir, validationSplit: 0.2, subset: "validation", seed: 1337, imageSize: (28, 28));
        Assert.Equal(train.FilePaths, trainOnly.FilePaths);
        Assert.Equal(val.FilePaths, valOnly.FilePaths);
        // Another seed, another split; the files are shuffled across classes.
        var other = ImageDataset.FromDirectory(dir, validationSplit: 0.2, subset: "validation", seed: 7, imageSize: (28, 28));
        Assert.NotEqual(val.FilePaths, other.FilePaths);
        Assert.Equal(4, other.FilePaths.Count);
        // The training subset reshuffles every pass; validation keeps its order.
        var pass1 = train.SelectMany(b => b.Y.ToArray()).ToArray();
        var pass2 = train.SelectMany(b => b.Y.ToArray()).ToArray();
        Assert.Equal(pass1.Order(), pass2.Order());
        Assert.Equal(val.SelectMany(b => b.Y.ToArray()), val.SelectMany(b => b.Y.ToArray()));
        Assert.Throws<InvalidOperationException>(() => { var (_, _) = trainOnly; });
    }

    [Fact]
    public void ClassesAreTheSortedVisibleSubfoldersAndTheirNestedImages()
    {
        var dir = Path.Combine(_root, "classes");
        ImageFiles.Write(Path.Combine(dir, "b_shirt", "one.png"), Fashion(6, 0), 28, 28);
        ImageFiles.Write(Path.Combine(dir, "b_shirt", "nested", "two.PNG"), Fashion(6, 1), 28, 28);
        ImageFiles.Write(Path.Combine(dir, "B_upper", "x.png"), Fashion(0, 0), 28, 28);
        ImageFiles.Write(Path.Combine(dir, "a_sandal", "s.bmp"), Fashion(5, 0), 28, 28);
        ImageFiles.Write(Path.Combine(dir, ".cache", "hidden.png"), Fashion(5, 1), 28, 28);
        File.WriteAllText(Path.Combine(dir, "a_sandal", "notes.txt"), "not an image");
        var ds = ImageDataset.FromDirectory(dir, shuffle: false, imageSize: (28, 28), colorMode: "grayscale");
        // Python's sorted(): upper case before lower case.
        Assert.Equal(["B_upper", "a_sandal", "b_shirt"], ds.ClassNames);
        // os.walk sorted by folder: a class folder's own files come before its subfolders'.
        Assert.Equal(["B_upper/x.png", "a_sandal/s.bmp", "b_shirt/one.png", "b_shirt/nested/two.PNG"],
            ds.FilePaths.Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/')));
        var batch = ds.Single();
        Assert.Equal([0f, 1f, 2f, 2f], batch.Y.ToArray());
        // Given class names choose and order the classes.
        var chosen = ImageDataset.FromDirectory(dir, classNames: ["b_shirt", "a_sandal"], shuffle: false, imageSize: (28, 28));
        Assert.Equal([0f, 0f, 1f], chosen.Single().Y.ToArray());
        var bad = Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, classNames: ["shirt"]));
        Assert.Contains("'shirt'", bad.Message);
        Assert.Contains("a_sandal", bad.Message);
    }

    [Fact]
    public void LabelModesAndColorModesGiveKerasShapes()
    {
        var dir = Folder("modes", [("sandal", 5), ("shirt", 6)], 3);
        var categorical = ImageDataset.FromDirectory(dir, labelMode: "categorical", shuffle: false, imageSize: (20, 24)).Single();
        Assert.Equal(new Shape(6, 20, 24, 3), categorical.X.Shape);
        Assert.Equal(new Shape(6, 2), categorical.Y.Shape);
        Assert.Equal([1f, 0f, 1f, 0f, 1f, 0f, 0f, 1f, 0f, 1f, 0f, 1f], categorical.Y.ToArray());
        var binary = ImageDataset.FromDirectory(dir, labelMode: "binary", colorMode: "grayscale", shuffle: false, imageSize: (28, 28)).Single();
        Assert.Equal(new Shape(6, 28, 28, 1), binary.X.Shape);
        Assert.Equal(new Shape(6, 1), binary.Y.Shape);
        var rgba = ImageDataset.FromDirectory(dir, colorMode: "rgba", shuffle: false, imageSize: (28, 28), batchSize: null).First();
        Assert.Equal(new Shape(28, 28, 4), rgba.X.Shape);
        Assert.Equal(new Shape(), rgba.Y.Shape);
        Assert.All(rgba.X.ToArray().Where((_, i) => i % 4 == 3), a => Assert.Equal(255f, a));
    }

    [Fact]
    public void LosslessFormatsGiveTheExactPixelsAndJpegCloseOnes()
    {
        var original = Fashion(6, 4);
        var dir = Path.Combine(_root, "exact");
        foreach (var ext in new[] { ".png", ".bmp", ".gif", ".jpg" })
            ImageFiles.Write(Path.Combine(dir, "shirt", "im" + ext), original, 28, 28);
        ImageFiles.Write(Path.Combine(dir, "shirt", "zcolor.png"), original, 28, 28, color: true);
        var ds = ImageDataset.FromDirectory(dir, shuffle: false, imageSize: (28, 28), batchSize: null).ToList();
        var names = ImageDataset.FromDirectory(dir, shuffle: false).FilePaths.Select(p => Path.GetFileName(p)).ToArray();
        Assert.Equal(new[] { "im.bmp", "im.gif", "im.jpg", "im.png", "zcolor.png" }, names);
        var expected = original.SelectMany(g => new float[] { g, g, g }).ToArray();
        Assert.Equal(expected, ds[0].X.ToArray());   // BMP
        Assert.Equal(expected, ds[1].X.ToArray());   // GIF
        Assert.Equal(expected, ds[3].X.ToArray());   // PNG
        var jpeg = ds[2].X.ToArray();
        double meanError = jpeg.Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"JPEG mean error {meanError}");
        // Channels keep their order: r = gray, g = 255 - gray, b = gray / 2; grayscale is TensorFlow's luma.
        var color = ds[4].X.ToArray();
        Assert.Equal(original.SelectMany(g => new float[] { g, 255 - g, g / 2 }).ToArray(), color);
        var gray = ImageDataset.FromDirectory(dir, shuffle: false, colorMode: "grayscale", imageSize: (28, 28), batchSize: null).Last().X.ToArray();
        Assert.Equal(original.Select(g => MathF.Round(0.2989f * g + 0.5870f * (255 - g) + 0.1140f * (g / 2))).ToArray(), gray);
    }

    [Fact]
    public void ResizingFollowsTensorFlow()
    {
        var original = Fashion(5, 2);
        var dir = Path.Combine(_root, "resize");
        ImageFiles.Write(Path.Combine(dir, "sandal", "a.png"), original, 28, 28);
        float[] Read(string interpolation, int h, int w, bool crop = false) => ImageDataset.FromDirectory(dir, colorMode: "grayscale",
            imageSize: (h, w), interpolation: interpolation, cropToAspectRatio: crop, batchSize: null).Single().X.ToArray();
        float P(int y, int x) => original[y * 28 + x];

        // Nearest with half-pixel centres: output i reads input floor((i + 0.5) * 2) = 2i + 1.
        var nearest = Read("nearest", 14, 14);
        for (int y = 0; y < 14; y++) for (int x = 0; x < 14; x++) Assert.Equal(P(2 * y + 1, 2 * x + 1), nearest[y * 14 + x]);
        // Area halving: the mean of each 2 x 2 block.
        var area = Read("area", 14, 14);
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 14; x++)
                Assert.Equal((P(2 * y, 2 * x) + P(2 * y, 2 * x + 1) + P(2 * y + 1, 2 * x) + P(2 * y + 1, 2 * x + 1)) / 4, area[y * 14 + x], 3);
        // Bilinear halving with half-pixel centres samples between pixels: the same 2 x 2 mean.
        var bilinear = Read("bilinear", 14, 14);
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 14; x++) Assert.Equal(area[y * 14 + x], bilinear[y * 14 + x], 3);
        // Bilinear doubling: output 2 sits at input 0.75, between pixels 0 and 1 (weights 0.25 and 0.75).
        var doubled = Read("bilinear", 56, 56);
        Assert.Equal(0.25f * (0.25f * P(10, 0) + 0.75f * P(10, 1)) + 0.75f * (0.25f * P(11, 0) + 0.75f * P(11, 1)), doubled[22 * 56 + 2], 3);
        // Bicubic doubling stays near bilinear on this image and keeps a flat region flat.
        var bicubic = Read("bicubic", 56, 56);
        Assert.Equal(P(0, 0), bicubic[0], 3);
        Assert.True(bicubic.Zip(doubled, (a, b) => Math.Abs(a - b)).Average() < 6);
        // Crop to aspect ratio: a 28 x 28 image into 14 x 28 keeps rows 7..20 whole.
        var cropped = Read("bilinear", 14, 28, crop: true);
        for (int y = 0; y < 14; y++) for (int x = 0; x < 28; x++) Assert.Equal(P(y + 7, x), cropped[y * 28 + x]);
    }

    [Theory]
    [InlineData("bilinear", 56, 56)]
    [InlineData("bilinear", 40, 36)]
    [InlineData("bicubic", 56, 56)]
    [InlineData("bicubic", 40, 36)]
    public void UpscalingMatchesPillow(string interpolation, int height, int width)
    {
        var dir = Path.Combine(_root, "pillow");
        ImageFiles.Write(Path.Combine(dir, "sandal", "a.png"), Fashion(5, 2), 28, 28);
        var ours = ImageDataset.FromDirectory(dir, colorMode: "grayscale", imageSize: (height, width), interpolation: interpolation,
            batchSize: null).Single().X.ToArray();
        string file = Path.Combine(RepositoryData.Root, "tests", "Graft.Tests", "Fixtures", "pillow", $"sandal2_{interpolation}_{height}x{width}.csv");
        var pillow = File.ReadAllLines(file).SelectMany(l => l.Split(',')).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(pillow.Length, ours.Length);
        // Pillow accumulates in another order and precision; 255-scale values agree to 1e-3.
        const float Tolerance = 1e-3f;
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - pillow[i]) <= Tolerance, $"pixel ({i / width}, {i % width}): Graft {ours[i]}, Pillow {pillow[i]}");
    }

    [Fact]
    public void BadFoldersAndArgumentsSayWhatIsWrong()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Contains("Found 0 files belonging to 0 classes.", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(empty)).Message);
        Directory.CreateDirectory(Path.Combine(empty, "cat"));
        Directory.CreateDirectory(Path.Combine(empty, "dog"));
        Assert.Contains("Found 0 files belonging to 2 classes.", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(empty)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageDataset.FromDirectory(Path.Combine(_root, "missing")));

        var dir = Folder("args", [("sandal", 5), ("shirt", 6), ("tshirt", 0)], 2);
        Assert.Contains("seed", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, validationSplit: 0.2, subset: "training")).Message);
        Assert.Contains("subset", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, validationSplit: 0.2, seed: 1)).Message);
        Assert.Contains("validationSplit", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, subset: "training", seed: 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.FromDirectory(dir, validationSplit: 1.0, subset: "training", seed: 1));
        Assert.Contains("exactly 2 classes", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, labelMode: "binary")).Message);
        Assert.Contains("\"hsv\"", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, colorMode: "hsv")).Message);
        Assert.Contains("cubic", Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir, interpolation: "cubic")).Message);
        Assert.Contains("gaussian", Assert.Throws<NotSupportedException>(() => ImageDataset.FromDirectory(dir, interpolation: "gaussian")).Message);
        Assert.Throws<NotSupportedException>(() => ImageDataset.FromDirectory(dir, labels: "none"));
    }

    [Fact]
    public void AnUndecodableFileIsNamedOrSkippedWithAWarning()
    {
        var dir = Folder("broken", [("sandal", 5), ("shirt", 6)], 2);
        string bad = Path.Combine(dir, "shirt", "zz_broken.jpg");
        File.WriteAllText(bad, "this is not a JPEG");
        var ds = ImageDataset.FromDirectory(dir, shuffle: false, imageSize: (28, 28));
        var ex = Assert.Throws<InvalidDataException>(() => ds.ToList());
        Assert.Contains(bad, ex.Message);

        using var log = new LogCapture();
        var skipped = ImageDataset.FromDirectory(dir, shuffle: false, imageSize: (28, 28), skipUndecodable: true);
        Assert.Equal(4, skipped.FilePaths.Count);
        Assert.Equal(4, skipped.Single().X.Shape[0]);
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(bad, warning.Message);
        Assert.Contains(log.Entries, e => e.Message == "Found 4 files belonging to 2 classes.");

        // A truncated PNG is refused when read, not padded with blank rows.
        string truncated = Path.Combine(dir, "sandal", "zz_truncated.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Path.Combine(dir, "sandal", "img_000.png"))[..120]);
        var withTruncated = ImageDataset.FromDirectory(dir, shuffle: false, imageSize: (28, 28), skipUndecodable: true);
        Assert.Contains(truncated, Assert.Throws<InvalidDataException>(() => withTruncated.ToList()).Message);
    }

    /// <summary>An identity layer that counts its forward passes.</summary>
    private sealed class Counting : Layer
    {
        public int Calls;

        public Counting() : base(null) { }

        protected override Tensor Forward(Tensor inputs, bool training) { Interlocked.Increment(ref Calls); return inputs; }
    }

    [Fact]
    public void FitReadsAnImageFolderAndComputesAFrozenBaseOnce()
    {
        var dir = Folder("fit", [("sandal", 5), ("shirt", 6)], 40);
        (float[][] Weights, double ValAccuracy, int Calls) Train(bool cache)
        {
            var (train, val) = ImageDataset.FromDirectory(dir, labelMode: "binary", colorMode: "grayscale", imageSize: (28, 28),
                batchSize: 8, validationSplit: 0.25, subset: "both", seed: 3);
            var counter = new Counting();
            var frozen = new Dense(32, activation: "relu", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 1 }) { Trainable = false };
            var model = new Sequential([new Rescaling(1f / 255), new Flatten(), counter, frozen,
                new Dense(1, activation: "sigmoid", kernelInitializer: new Graft.Initializers.GlorotUniform { Seed = 2 })]) { CacheFrozenLayers = cache };
            model.Build([null, 28, 28, 1]);
            model.Compile("binary_crossentropy", new Adam(0.01), ["accuracy"]);
            var h = model.Fit(train, epochs: 4, validationData: val, verbose: 0);
            return (model.GetWeights().Select(w => w.ToArray()).ToArray(), h["val_accuracy"][^1], counter.Calls);
        }
        var cached = Train(true);
        var rerun = Train(false);
        Assert.True(rerun.ValAccuracy >= 0.9, $"val_accuracy {rerun.ValAccuracy}");
        Assert.Equal(rerun.Weights, cached.Weights);
        Assert.Equal(rerun.ValAccuracy, cached.ValAccuracy);
        // 4 epochs of 8 training and 3 validation batches re-run the base 44 times; the cache, a few.
        Assert.True(rerun.Calls >= 44, $"re-run: {rerun.Calls}");
        Assert.True(cached.Calls <= 8, $"cached: {cached.Calls}");
    }

    [Fact]
    public void ABatchHoldsItsImagesDecodedOneByOne()
    {
        var dir = Folder("batches", [("sandal", 5), ("shirt", 6), ("sneaker", 7)], 7);
        foreach (var labelMode in new[] { "int", "categorical" })
        {
            var ds = ImageDataset.FromDirectory(dir, labelMode: labelMode, shuffle: false, imageSize: (20, 24), batchSize: 8, interpolation: "bicubic");
            var batches = ds.ToList();
            Assert.Equal(3, ds.Cardinality);
            Assert.Equal([8, 8, 5], batches.Select(b => b.X.Shape[0]));
            var x = batches.SelectMany(b => Enumerable.Range(0, b.X.Shape[0]).Select(i => b.X[i].ToArray())).ToList();
            var y = batches.SelectMany(b => b.Y.ToArray()).ToArray();
            for (int i = 0; i < ds.FilePaths.Count; i++)
                Assert.Equal(ImageUtils.LoadImage(ds.FilePaths[i], "rgb", (20, 24), "bicubic").ToArray(), x[i]);
            int[] labels = [.. Enumerable.Repeat(0, 7), .. Enumerable.Repeat(1, 7), .. Enumerable.Repeat(2, 7)];
            float[] expected = labelMode == "int" ? labels.Select(l => (float)l).ToArray()
                : labels.SelectMany(l => Enumerable.Range(0, 3).Select(c => c == l ? 1f : 0f)).ToArray();
            Assert.Equal(expected, y);
        }
    }

    private static List<(float[] X, float Y)> Samples(IEnumerable<(Tensor X, Tensor Y)> batches) =>
        batches.SelectMany(b => Enumerable.Range(0, b.X.Shape[0]).Select(i => (b.X[i].ToArray(), b.Y.ToArray()[i]))).ToList();

    private static string Key((float[] X, float Y) s) => $"{s.Y}:{string.Join(",", s.X)}";

    [Fact]
    public void CacheAfterDecodingReplaysTheImagesWhileShuffleAndAugmentationAfterItRunEveryPass()
    {
        var dir = Folder("cache", [("sandal", 5), ("shirt", 6)], 12);
        // Keras's guide orders it cache → shuffle → batch: decoded once, reshuffled every pass.
        var cached = ImageDataset.FromDirectory(dir, colorMode: "grayscale", imageSize: (16, 16), batchSize: null, seed: 1).Cache();
        var train = cached.Shuffle(24, seed: 2).Batch(5);
        var first = Samples(train);
        var decoded = Samples(ImageDataset.FromDirectory(dir, colorMode: "grayscale", imageSize: (16, 16), batchSize: 5, shuffle: false));
        Assert.Equal(decoded.Select(Key).Order(), first.Select(Key).Order());

        // The files are gone: every later pass comes from the cache, in a new order each time.
        Directory.Delete(dir, recursive: true);
        var second = Samples(train);
        Assert.Equal(first.Select(Key).Order(), second.Select(Key).Order());
        Assert.NotEqual(first.Select(Key), second.Select(Key));

        // Augmentation after the cache draws anew on every pass and never changes what is cached.
        var flip = new RandomFlip("horizontal", seed: 3);
        var augmented = train.Map(b => (flip.Call(b.X, training: true), b.Y));
        var a1 = Samples(augmented).Select(Key).Order().ToList();
        var a2 = Samples(augmented).Select(Key).Order().ToList();
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(first.Select(Key).Order(), a1);
        Assert.Equal(first.Select(Key).Order(), Samples(train).Select(Key).Order());

        // And Fit reads it, epoch after epoch, with no file left.
        var model = new Sequential([new Rescaling(1f / 255), new Flatten(), new Dense(1, activation: "sigmoid")]);
        model.Compile("binary_crossentropy", "adam", ["accuracy"]);
        var h = model.Fit(augmented.Map(b => (b.Item1, Graft.Autograd.Ops.Reshape(b.Y, b.Y.Shape[0], 1))), epochs: 3, verbose: 0);
        Assert.Equal(3, h["loss"].Count);
    }

    [Fact]
    public void ABatchedFolderCachedAsInKerasGuideReplaysItsFirstPass()
    {
        var dir = Folder("cache_batched", [("sandal", 5), ("shirt", 6)], 10);
        // train_ds.cache().prefetch(): the cached pass's batches, in the same order every epoch (tf.data's rule).
        var ds = ImageDataset.FromDirectory(dir, labelMode: "binary", colorMode: "grayscale", imageSize: (12, 12), batchSize: 6, seed: 4)
            .Cache().Prefetch(Dataset.AutoTune);
        Assert.Equal(4, ds.Cardinality);
        using (var partial = ds.GetEnumerator()) Assert.True(partial.MoveNext());   // an unfinished pass caches nothing
        var first = Samples(ds);
        Assert.Equal(20, first.Count);
        Directory.Delete(dir, recursive: true);
        Assert.Equal(first.Select(Key), Samples(ds).Select(Key));

        var model = new Sequential([new Rescaling(1f / 255), new Flatten(), new Dense(1, activation: "sigmoid")]);
        model.Compile("binary_crossentropy", "adam", ["accuracy"]);
        Assert.Equal(2, model.Fit(ds, epochs: 2, verbose: 0)["loss"].Count);
    }
}
