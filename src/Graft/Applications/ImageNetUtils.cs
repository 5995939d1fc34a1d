using System.Text.Json;
using System.Text.Json.Nodes;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Applications;

/// <summary>
/// Input preprocessing and prediction decoding for ImageNet classifiers (Keras's
/// <c>keras.applications.imagenet_utils</c>).
/// </summary>
public static class ImageNetUtils
{
    /// <summary>
    /// Keras's ImageNet class index, <c>imagenet_class_index.json</c>, embedded in the library: the file Keras
    /// downloads from https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json,
    /// byte for byte (its MD5, c2c37ea517e94d9795004a39431a14cb, is the hash Keras's
    /// <c>decode_predictions</c> checks; a test checks it too). Taken from a public copy, the repository
    /// mythrandire/adversarial_tutorial at commit a59b370948e821b1d17fab7faedc436d9c4a0261, with the blank
    /// line before and the newline after the JSON removed, which restores Keras's bytes.
    /// </summary>
    internal const string ClassIndexResource = "Graft.Applications.imagenet_class_index.json";

    private static readonly Lazy<(string Id, string Label)[]> s_classIndex = new(() =>
    {
        using var stream = typeof(ImageNetUtils).Assembly.GetManifestResourceStream(ClassIndexResource)
            ?? throw new InvalidOperationException($"ImageNetUtils: expected the embedded resource {ClassIndexResource} in {typeof(ImageNetUtils).Assembly.GetName().Name}, got none. The library was built without it.");
        using var reader = new StreamReader(stream);
        return ParseClassIndex(reader.ReadToEnd(), ClassIndexResource);
    });

    /// <summary>The 1000 ImageNet classes in the order of an ImageNet classifier's outputs: (WordNet id, label), from Keras's class index.</summary>
    public static IReadOnlyList<(string WordNetId, string Label)> Classes => s_classIndex.Value;

    // Per-channel ImageNet statistics Keras uses: caffe means in BGR order (0..255), torch mean and std in RGB order (0..1).
    private static readonly float[] s_caffeMeanBgr = [103.939f, 116.779f, 123.68f];
    private static readonly float[] s_torchMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] s_torchStd = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// Preprocesses a batch of RGB images with pixel values in [0, 255] (Keras's
    /// <c>imagenet_utils.preprocess_input</c>), 3D (one image) or 4D, returning a new tensor:
    /// <list type="bullet">
    /// <item><c>"caffe"</c>: RGB to BGR, then each channel minus ImageNet's mean, without scaling (ResNet, VGG);</item>
    /// <item><c>"tf"</c>: scaled to [−1, 1] (ResNetV2, MobileNet, MobileNetV2, InceptionV3, Xception);</item>
    /// <item><c>"torch"</c>: scaled to [0, 1], then each channel normalized by ImageNet's mean and standard deviation (DenseNet).</item>
    /// </list>
    /// </summary>
    /// <param name="x">Images, (height, width, 3) or (batch, height, width, 3); channels first with <paramref name="dataFormat"/> "channels_first".</param>
    /// <param name="mode">"caffe", "tf" or "torch".</param>
    /// <param name="dataFormat">"channels_last" (Keras's default) or "channels_first".</param>
    /// <exception cref="ArgumentException">An unknown mode or data format, or an input without 3 channels.</exception>
    public static Tensor PreprocessInput(Tensor x, string mode = "caffe", string dataFormat = "channels_last")
    {
        ArgumentNullException.ThrowIfNull(x);
        if (mode is not ("caffe" or "tf" or "torch"))
            throw new ArgumentException($"ImageNetUtils.PreprocessInput: expected mode \"caffe\", \"tf\" or \"torch\", got '{mode}'.", nameof(mode));
        if (dataFormat is not ("channels_last" or "channels_first"))
            throw new ArgumentException($"ImageNetUtils.PreprocessInput: expected dataFormat \"channels_last\" or \"channels_first\", got '{dataFormat}'.", nameof(dataFormat));
        var data = x.ToArray();
        if (mode == "tf")
        {
            for (int i = 0; i < data.Length; i++) data[i] = data[i] / 127.5f - 1f;
            return Tensor.FromArray(data, x.Shape.ToArray());
        }
        if (x.Rank is not (3 or 4))
            throw new ArgumentException($"ImageNetUtils.PreprocessInput: expected images of rank 3 or 4, got shape {x.Shape}.", nameof(x));
        bool first = dataFormat == "channels_first";
        int channelAxis = first ? x.Rank - 3 : x.Rank - 1;
        if (x.Shape[channelAxis] != 3)
            throw new ArgumentException($"ImageNetUtils.PreprocessInput: expected 3 color channels on axis {channelAxis} ({dataFormat}), got shape {x.Shape}.", nameof(x));
        // Channel c of group g sits at (g*3 + c)*plane + k: a group is a pixel (plane 1) channels last, an image channels first.
        int plane = first ? x.Shape[^1] * x.Shape[^2] : 1;
        int groups = data.Length / (3 * plane);
        var result = new float[data.Length];
        for (int g = 0; g < groups; g++)
            for (int c = 0; c < 3; c++)
            {
                int src = mode == "caffe" ? 2 - c : c;   // caffe: output channel c (BGR) is input channel 2 − c (RGB)
                int o = (g * 3 + c) * plane, s = (g * 3 + src) * plane;
                for (int k = 0; k < plane; k++)
                    result[o + k] = mode == "caffe" ? data[s + k] - s_caffeMeanBgr[c] : (data[s + k] / 255f - s_torchMean[c]) / s_torchStd[c];
            }
        return Tensor.FromArray(result, x.Shape.ToArray());
    }

    /// <summary>
    /// The <paramref name="top"/> most likely ImageNet classes of each prediction (Keras's
    /// <c>imagenet_utils.decode_predictions</c>): per sample, (WordNet id, label, score), most likely
    /// first, ties in class order. The class index is Keras's <c>imagenet_class_index.json</c>, embedded
    /// in the library (see <see cref="Classes"/>), or the file at <paramref name="classIndexPath"/> when
    /// given (Keras's format: <c>{"0": ["n01440764", "tench"], …}</c>).
    /// </summary>
    /// <param name="preds">Predictions of shape (samples, 1000): an ImageNet classifier's outputs.</param>
    /// <param name="top">How many classes per sample, 1 to 1000.</param>
    /// <param name="classIndexPath">A class index file to use instead of the embedded one, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="preds"/> is not (samples, 1000).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is not in [1, 1000].</exception>
    /// <exception cref="ModelFormatException">The file at <paramref name="classIndexPath"/> is not Keras's format.</exception>
    public static IReadOnlyList<IReadOnlyList<(string ClassName, string Description, float Score)>> DecodePredictions(Tensor preds, int top = 5, string? classIndexPath = null)
    {
        ArgumentNullException.ThrowIfNull(preds);
        if (preds.Rank != 2 || preds.Shape[1] != 1000)
            throw new ArgumentException($"ImageNetUtils.DecodePredictions: expected a batch of predictions of shape (samples, 1000), got shape {preds.Shape}. "
                + "It decodes the outputs of a 1000-class ImageNet classifier (include_top); other classifiers name their own classes.", nameof(preds));
        if (top is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(top), $"ImageNetUtils.DecodePredictions: expected top in [1, 1000], got {top}.");
        var index = classIndexPath is null ? s_classIndex.Value : ClassIndex(classIndexPath);
        var p = preds.ToArray();
        int n = preds.Shape[0];
        var results = new List<IReadOnlyList<(string, string, float)>>(n);
        for (int i = 0; i < n; i++)
        {
            var row = new ArraySegment<float>(p, i * 1000, 1000);
            // Stable order on ties: the lower class number first.
            var best = Enumerable.Range(0, 1000).OrderByDescending(k => row[k]).ThenBy(k => k).Take(top);
            results.Add(best.Select(k => (index[k].Id, index[k].Label, row[k])).ToList());
        }
        return results;
    }

    /// <summary>Reads Keras's class index from a file: <c>{"0": ["n01440764", "tench"], …, "999": [...]}</c>.</summary>
    internal static (string Id, string Label)[] ClassIndex(string path) => ParseClassIndex(File.ReadAllText(path), path);

    private static (string Id, string Label)[] ParseClassIndex(string json, string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new ModelFormatException(path, "/", $"expected Keras's ImageNet class index (JSON), got invalid JSON: {e.Message}", e); }
        if (root is not JsonObject obj) throw new ModelFormatException(path, "/", $"expected a JSON object of 1000 classes, got {root?.GetValueKind().ToString() ?? "null"}.");
        var index = new (string, string)[1000];
        for (int k = 0; k < 1000; k++)
        {
            if (obj[k.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not JsonArray { Count: 2 } pair
                || pair[0] is not JsonValue id || pair[1] is not JsonValue label
                || !id.TryGetValue<string>(out var ids) || !label.TryGetValue<string>(out var labels))
                throw new ModelFormatException(path, $"/{k}", $"expected [wordnet_id, label] for class {k}, got {obj[k.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.ToJsonString() ?? "nothing"}.");
            index[k] = (ids, labels);
        }
        if (obj.Count != 1000) throw new ModelFormatException(path, "/", $"expected 1000 classes, \"0\" to \"999\", got {obj.Count} entries.");
        return index;
    }
}
