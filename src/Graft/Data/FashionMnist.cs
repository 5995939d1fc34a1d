using Graft.Tensors;

namespace Graft.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT): 60,000 training and 10,000 test images of 28×28 gray
/// pixels in 10 classes, like <c>keras.datasets.fashion_mnist.load_data()</c>: pixels 0..255 as
/// float32 (N, 28, 28), labels as class ids (N).
/// </summary>
public static class FashionMnist
{
    /// <summary>The four files of the standard distribution and their official MD5 checksums.</summary>
    public static readonly (string File, string Md5)[] Files =
    [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ];

    /// <summary>Where the official files are served (tried in order).</summary>
    public static readonly string[] Mirrors =
    [
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ];

    /// <summary>Class names by id.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The per-user cache folder: <c>$XDG_CACHE_HOME/graft/fashion-mnist</c> or <c>~/.cache/graft/fashion-mnist</c>.</summary>
    public static string CacheDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "graft", "fashion-mnist");

    /// <summary>
    /// Loads ((xTrain, yTrain), (xTest, yTest)). Looks in <paramref name="directory"/> when given
    /// (and only there); otherwise in <c>GRAFT_DATA</c> (or its <c>fashion-mnist</c> subfolder), then
    /// the user cache folder, and finally downloads the official files into the cache, checking
    /// their MD5, with <paramref name="progress"/> told (file, bytes, total).
    /// </summary>
    /// <exception cref="FileNotFoundException">The files are nowhere and cannot be downloaded; the message says where to put them.</exception>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Load(string? directory = null, Action<string, long, long>? progress = null)
    {
        if (directory is not null)
        {
            foreach (var (f, _) in Files)
                if (!File.Exists(Path.Combine(directory, f)))
                    throw new FileNotFoundException($"FashionMnist: expected {f} in {Path.GetFullPath(directory)}, got no such file. Put the four files ({string.Join(", ", Files.Select(x => x.File))}) there.", Path.Combine(directory, f));
            return Read(directory);
        }
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("GRAFT_DATA") is { Length: > 0 } env) { candidates.Add(env); candidates.Add(Path.Combine(env, "fashion-mnist")); }
        candidates.Add(CacheDirectory);
        foreach (var dir in candidates)
            if (Files.All(f => File.Exists(Path.Combine(dir, f.File)))) return Read(dir);
        var errors = new List<string>();
        try
        {
            Download(CacheDirectory, Mirrors, progress);
            return Read(CacheDirectory);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.Add(e.Message);
        }
        throw new FileNotFoundException(
            $"FashionMnist: expected the four files ({string.Join(", ", Files.Select(f => f.File))}) in one of {string.Join(", ", candidates)}, got none, and downloading them failed ({string.Join("; ", errors)}). " +
            $"Put the files in {CacheDirectory}, or set GRAFT_DATA to their folder.");
    }

    /// <summary>Downloads any missing official file into <paramref name="directory"/> from the first mirror that answers.</summary>
    internal static void Download(string directory, IReadOnlyList<string> mirrors, Action<string, long, long>? progress)
    {
        Directory.CreateDirectory(directory);
        foreach (var (file, md5) in Files)
        {
            string target = Path.Combine(directory, file);
            if (File.Exists(target)) continue;
            Exception? last = null;
            foreach (var mirror in mirrors)
            {
                try
                {
                    Downloader.DownloadAsync(mirror + file, target, md5, (done, total) => progress?.Invoke(file, done, total)).GetAwaiter().GetResult();
                    last = null;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException) { last = e; }
            }
            if (last is not null) throw last;
        }
    }

    private static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Read(string dir)
    {
        Tensor R(int i) => Idx.Load(Path.Combine(dir, Files[i].File));
        var (xTrain, yTrain, xTest, yTest) = (R(0), R(1), R(2), R(3));
        Check(xTrain, yTrain, dir, 0); Check(xTest, yTest, dir, 2);
        return ((xTrain, yTrain), (xTest, yTest));
    }

    private static void Check(Tensor x, Tensor y, string dir, int i)
    {
        if (x.Rank != 3 || x.Shape[1] != 28 || x.Shape[2] != 28)
            throw new Saving.ModelFormatException(Path.Combine(dir, Files[i].File), "header", $"expected images of shape (N, 28, 28), got {x.Shape}.");
        if (y.Rank != 1 || y.Shape[0] != x.Shape[0])
            throw new Saving.ModelFormatException(Path.Combine(dir, Files[i + 1].File), "header", $"expected {x.Shape[0]} labels for {x.Shape[0]} images, got shape {y.Shape}.");
    }
}
