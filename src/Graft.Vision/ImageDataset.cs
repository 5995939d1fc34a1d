using Graft.Datasets;
using Graft.Tensors;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace Graft.Vision;

/// <summary>
/// A dataset of images and labels read from a folder with one subfolder per class (Keras's
/// <c>keras.utils.image_dataset_from_directory</c>): batches of float pixels 0..255, shape
/// (batch, height, width, channels), with their labels. Files are decoded (SkiaSharp) as they are
/// read, on several threads, ahead of training.
/// </summary>
/// <example><code>
/// var (train, val) = ImageDataset.FromDirectory("photos", validationSplit: 0.2, subset: "both", seed: 1337, imageSize: (180, 180));
/// model.Fit(train, epochs: 10, validationData: val);
/// </code></example>
public sealed class ImageDataset : Dataset<(Tensor X, Tensor Y)>
{
    private readonly (string Path, int Label)[] _items;
    private readonly Func<(string Path, int Label), (Tensor X, Tensor Y)> _load;
    private readonly int? _batchSize;
    private readonly int _shuffleBuffer;
    private readonly ShuffleSeeds? _seeds;
    private readonly Dataset<(Tensor X, Tensor Y)> _pipeline;

    private ImageDataset((string Path, int Label)[] items, string[] classNames, ImageLoader loader, int? batchSize, ShuffleSeeds? seeds)
    {
        _items = items;
        _load = loader.Load;
        _batchSize = batchSize;
        // Keras's buffer: 8 batches, or 1024 samples when unbatched.
        _shuffleBuffer = batchSize is int b ? b * 8 : 1024;
        _seeds = seeds;
        ClassNames = classNames;
        FilePaths = items.Select(i => i.Path).ToArray();
        // As Keras: shuffle the (path, label) pairs, then decode, so the shuffle buffer holds names, not
        // pixels; a batch's images are decoded on several threads straight into the batch.
        var names = Shuffled(Dataset.FromEnumerable(items));
        _pipeline = batchSize is int size
            ? new ImageBatches(names, items.Length, size, loader.ImageShape, loader.DecodeInto, loader.Labels).Prefetch(Dataset.AutoTune)
            : names.MapPure(_load, Dataset.AutoTune, pure: true).Prefetch(Dataset.AutoTune);
    }

    /// <summary>The class names, in label order: the subfolder names, sorted, or the <c>classNames</c> given.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image files of this subset, in the order of the global shuffle (Keras's <c>file_paths</c>).</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>With <c>subset: "both"</c>, the validation dataset (this one is the training one); otherwise null.</summary>
    public ImageDataset? Validation { get; private init; }

    /// <inheritdoc/>
    public override long Cardinality => _pipeline.Cardinality;

    /// <inheritdoc/>
    public override IEnumerator<(Tensor X, Tensor Y)> GetEnumerator() => _pipeline.GetEnumerator();

    /// <summary>Splits the result of <c>subset: "both"</c>: <c>var (train, val) = ImageDataset.FromDirectory(…)</c>.</summary>
    /// <exception cref="InvalidOperationException">The dataset was not made with <c>subset: "both"</c>.</exception>
    public void Deconstruct(out ImageDataset training, out ImageDataset validation)
    {
        training = this;
        validation = Validation ?? throw new InvalidOperationException(
            "ImageDataset: expected a dataset made with subset: \"both\" to split into training and validation, got one subset.");
    }

    /// <summary>Decoded images are a pure function of the file: Fit may replace them with frozen layers' outputs, shuffled and batched as before.</summary>
    internal override Dataset<(Tensor X, Tensor Y)>? ReplaceSource(Func<Dataset<(Tensor X, Tensor Y)>, Dataset<(Tensor X, Tensor Y)>?> replace) =>
        replace(Dataset.FromEnumerable(_items).MapPure(_load, Dataset.AutoTune, pure: true)) is { } features ? Tail(Shuffled(features)) : null;

    /// <summary>Both pipelines, the files' and the frozen features', draw their orders from one <see cref="ShuffleSeeds"/>.</summary>
    internal override void RewindShuffles() => _seeds?.Rewind();

    private Dataset<T> Shuffled<T>(Dataset<T> ds) => _seeds is null ? ds : ds.ShuffleWith(_shuffleBuffer, _seeds);

    private Dataset<(Tensor X, Tensor Y)> Tail(Dataset<(Tensor X, Tensor Y)> ds) =>
        (_batchSize is int b ? ds.Batch(b) : ds).Prefetch(Dataset.AutoTune);

    /// <summary>
    /// Indexes <paramref name="directory"/> and returns a dataset of its images (Keras's
    /// <c>image_dataset_from_directory</c>, with its arguments and semantics): each subfolder is a
    /// class (sorted by name; hidden folders ignored), its .bmp, .gif, .jpeg, .jpg and .png files, in
    /// nested folders too, are the class's images. With <paramref name="shuffle"/> the files are
    /// shuffled once with <paramref name="seed"/>, then the last <c>(int)(validationSplit × n)</c> are
    /// the validation subset and the rest the training subset, as Keras splits them; the training
    /// subset is shuffled again on every pass (buffer of 8 batches), the validation one is not.
    /// "Found n files belonging to k classes." and "Using m files for training." go to Graft's logger
    /// (category <c>Graft.Vision</c>).
    /// </summary>
    /// <param name="directory">The folder with one subfolder per class.</param>
    /// <param name="labels">"inferred" (labels from the subfolders), the only mode supported.</param>
    /// <param name="labelMode">"int" (class index, shape (batch,)), "categorical" (one-hot, (batch, classes)) or "binary" (0/1, (batch, 1); two classes only).</param>
    /// <param name="classNames">The classes to use, in label order (a subset of the subfolders); null: all subfolders, sorted.</param>
    /// <param name="colorMode">"rgb" (3 channels), "grayscale" (1) or "rgba" (4).</param>
    /// <param name="batchSize">Images per batch (default 32); null yields single images.</param>
    /// <param name="imageSize">(height, width) every image is resized to; default (256, 256).</param>
    /// <param name="shuffle">Shuffle the files (default); false keeps them sorted by class and path.</param>
    /// <param name="seed">The shuffle's seed; required with validationSplit when shuffling, so the subsets never overlap.</param>
    /// <param name="validationSplit">Fraction of the files held out for validation, in (0, 1).</param>
    /// <param name="subset">"training", "validation" or "both" (the training dataset, with <see cref="Validation"/> set); only with validationSplit.</param>
    /// <param name="interpolation">"bilinear" (default), "nearest", "bicubic", "area", "lanczos3" or "lanczos5", as TensorFlow resizes for Keras (<see cref="Graft.Autograd.Ops.Resize"/>).</param>
    /// <param name="cropToAspectRatio">Crop the largest centred window with the target's aspect ratio before resizing, instead of distorting.</param>
    /// <param name="skipUndecodable">
    /// Not in Keras: leave out files whose header SkiaSharp cannot read (a text file named .jpg), each with
    /// a warning, before splitting. By default such a file, or a truncated one, is an error naming it
    /// when it is read.
    /// </param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">An argument is out of Keras's range, the classes do not match the subfolders, or no image was found ("Found 0 files belonging to 0 classes.").</exception>
    /// <exception cref="NotSupportedException">labels is not "inferred", or interpolation is Keras's "gaussian" or "mitchellcubic".</exception>
    public static ImageDataset FromDirectory(string directory, string labels = "inferred", string labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", int? batchSize = 32, (int Height, int Width)? imageSize = null,
        bool shuffle = true, long? seed = null, double? validationSplit = null, string? subset = null, string interpolation = "bilinear",
        bool cropToAspectRatio = false, bool skipUndecodable = false)
    {
        const string subject = "ImageDataset.FromDirectory";
        ArgumentNullException.ThrowIfNull(directory);
        if (labels != "inferred")
            throw new NotSupportedException($"{subject}: expected labels \"inferred\" (from the subfolders), got \"{labels}\"; explicit label lists and unlabelled folders are not supported by Graft yet.");
        if (labelMode is not ("int" or "categorical" or "binary"))
            throw new ArgumentException($"{subject}: expected labelMode \"int\", \"categorical\" or \"binary\", got \"{labelMode}\".", nameof(labelMode));
        int channels = colorMode switch
        {
            "rgb" => 3,
            "rgba" => 4,
            "grayscale" => 1,
            _ => throw new ArgumentException($"{subject}: expected colorMode \"rgb\", \"rgba\" or \"grayscale\", got \"{colorMode}\".", nameof(colorMode)),
        };
        var (height, width) = imageSize ?? (256, 256);
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"{subject}: expected a positive image size (height, width), got ({height}, {width}).");
        if (batchSize is int bs) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bs, nameof(batchSize));
        interpolation = interpolation.ToLowerInvariant();
        if (interpolation is "gaussian" or "mitchellcubic")
            throw new NotSupportedException($"{subject}: interpolation \"{interpolation}\" is not supported by Graft yet; use one of {string.Join(", ", ImageResizer.Methods)}.");
        if (!ImageResizer.Methods.Contains(interpolation))
            throw new ArgumentException($"{subject}: expected interpolation one of {string.Join(", ", ImageResizer.Methods)}, got \"{interpolation}\".", nameof(interpolation));
        CheckSplit(validationSplit, subset, shuffle, seed, subject);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{subject}: expected a folder of class subfolders, got '{directory}', which does not exist.");

        long effectiveSeed = seed ?? (long)GraftContext.Current.Generator.NextUInt64();
        var (items, classes) = Index(directory, classNames, shuffle, effectiveSeed, skipUndecodable, subject);
        var log = GraftContext.Current.LoggerFactory.CreateLogger("Graft.Vision");
        log.LogInformation("Found {Files} files belonging to {Classes} classes.", items.Length, classes.Length);
        if (items.Length == 0)
            throw new ArgumentException($"{subject}: expected images ({string.Join(", ", ImageFormats.Extensions)}) in the class subfolders of '{directory}', got none. "
                + $"Found 0 files belonging to {classes.Length} classes.");
        if (labelMode == "binary" && classes.Length != 2)
            throw new ArgumentException($"{subject}: expected exactly 2 classes with labelMode \"binary\", got {classes.Length} ({string.Join(", ", classes)}).");

        var load = new ImageLoader(channels, height, width, interpolation, cropToAspectRatio, labelMode, classes.Length);
        ImageDataset Make((string, int)[] part, bool shuffled) =>
            new(part, classes, load, batchSize, shuffled ? new ShuffleSeeds(effectiveSeed, reshuffleEachIteration: true) : null);
        if (validationSplit is not double split) return Make(items, shuffle);

        int validationCount = (int)(split * items.Length);
        var train = items[..(items.Length - validationCount)];
        var validation = items[(items.Length - validationCount)..];
        if (subset == "both")
        {
            if (train.Length == 0) throw new ArgumentException($"{subject}: expected training images in '{directory}', got none after holding out {validationCount} for validation.");
            if (validation.Length == 0) throw new ArgumentException($"{subject}: expected validation images in '{directory}', got none: validationSplit {split} of {items.Length} files is 0.");
            log.LogInformation("Using {Files} files for training.", train.Length);
            log.LogInformation("Using {Files} files for validation.", validation.Length);
            return new ImageDataset(train, classes, load, batchSize, shuffle ? new ShuffleSeeds(effectiveSeed, true) : null) { Validation = Make(validation, false) };
        }
        var chosen = subset == "training" ? train : validation;
        log.LogInformation("Using {Files} files for {Subset}.", chosen.Length, subset);
        if (chosen.Length == 0)
            throw new ArgumentException($"{subject}: expected {subset} images in '{directory}', got none: validationSplit {split} of {items.Length} files leaves the subset empty.");
        return Make(chosen, shuffle);
    }

    /// <summary>Keras's dataset_utils.check_validation_split_arg.</summary>
    private static void CheckSplit(double? validationSplit, string? subset, bool shuffle, long? seed, string subject)
    {
        if (validationSplit is double v && !(v > 0 && v < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"{subject}: expected validationSplit between 0 and 1, got {v}.");
        if ((validationSplit is null) != (subset is null))
            throw new ArgumentException($"{subject}: expected subset and validationSplit together, got {(subset is null ? "validationSplit without subset" : "subset without validationSplit")}. If subset is set, validationSplit must be set, and inversely.");
        if (subset is not (null or "training" or "validation" or "both"))
            throw new ArgumentException($"{subject}: expected subset \"training\", \"validation\" or \"both\", got \"{subset}\".", nameof(subset));
        if (validationSplit is not null && shuffle && seed is null)
            throw new ArgumentException($"{subject}: expected a seed with validationSplit and shuffling, got none. Provide a seed to make sure that there is no overlap between the training and validation subsets.", nameof(seed));
    }

    /// <summary>
    /// Keras's dataset_utils.index_directory: the class folders (sorted by name as Python sorts strings,
    /// hidden ones left out), each walked with its nested folders in path order and files sorted, then
    /// shuffled once with the seed.
    /// </summary>
    private static ((string Path, int Label)[] Items, string[] Classes) Index(string directory, IReadOnlyList<string>? classNames, bool shuffle,
        long seed, bool skipUndecodable, string subject)
    {
        var subdirs = Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        if (classNames is not null)
        {
            var unknown = classNames.Where(c => !subdirs.Contains(c)).ToList();
            if (unknown.Count > 0)
                throw new ArgumentException($"{subject}: expected classNames among the subfolders of '{directory}' ({string.Join(", ", subdirs)}), got '{string.Join("', '", unknown)}'.", nameof(classNames));
            subdirs = [.. classNames];
        }
        var log = GraftContext.Current.LoggerFactory.CreateLogger("Graft.Vision");
        var items = new List<(string, int)>();
        for (int label = 0; label < subdirs.Length; label++)
            foreach (var file in ImageFiles(Path.Combine(directory, subdirs[label])))
            {
                if (skipUndecodable && !Readable(file))
                {
                    log.LogWarning("ImageDataset.FromDirectory: skipped '{File}': not an image SkiaSharp can read.", file);
                    continue;
                }
                items.Add((file, label));
            }
        var result = items.ToArray();
        if (shuffle)
        {
            // One permutation moves paths and labels together (Keras shuffles both with the same seed).
            var order = new Generator(seed).Permutation(result.Length);
            result = order.Select(i => result[i]).ToArray();
        }
        return (result, subdirs);
    }

    /// <summary>The image files under a class folder: folders in path order (os.walk sorted by root), files sorted; linked folders not followed.</summary>
    private static IEnumerable<string> ImageFiles(string root)
    {
        var folders = new List<string>();
        void Walk(string dir)
        {
            folders.Add(dir);
            foreach (var sub in Directory.GetDirectories(dir))
                if (new DirectoryInfo(sub).LinkTarget is null) Walk(sub);
        }
        Walk(root);
        var all = new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false };
        foreach (var dir in folders.Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir, "*", all).Order(StringComparer.Ordinal))
                if (ImageFormats.Extensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    yield return file;
    }

    private static bool Readable(string file)
    {
        using var codec = SKCodec.Create(file, out _);
        return codec is not null;
    }
}
