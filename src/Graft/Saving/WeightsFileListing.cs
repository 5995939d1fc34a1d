using PureHDF;

namespace Graft.Saving;

/// <summary>One weight stored in a weights file: the layer (or object) it belongs to, its name in the file, and its shape.</summary>
internal sealed record StoredWeight(string Layer, string Name, int[] Shape)
{
    /// <summary>The number of values.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// What a weights-only HDF5 file holds, read without a model: Keras 2's <c>save_weights</c> layout
/// (root attribute <c>layer_names</c>, each layer group's <c>weight_names</c>) or Keras 3's
/// (<c>layers/&lt;key&gt;/vars/&lt;i&gt;</c>, as in <c>x.weights.h5</c> and inside every <c>.keras</c>).
/// Only shapes are read, never the values.
/// </summary>
internal static class WeightsFileListing
{
    /// <summary>The layout names used in listings.</summary>
    public const string Keras2 = "keras2", Keras3 = "keras3";

    /// <summary>
    /// The weights stored in <paramref name="path"/> with the file's layout, or null when the file
    /// is a full model (a <c>.keras</c> archive or an <c>.h5</c> with <c>model_config</c>).
    /// </summary>
    /// <exception cref="ModelFormatException">The file is HDF5 but neither a model nor a Keras weights file, or is unreadable.</exception>
    public static (string Layout, IReadOnlyList<StoredWeight> Weights)? TryRead(string path)
    {
        // A format from a package (.onnx) holds whole models, never Keras weights alone.
        if (ModelFormats.Find(path) is not null || ModelFormats.PackageFor(path) is not null) return null;
        if (KerasFormat.Detect(path) == KerasFormat.Kind.Zip) return null;
        var h5 = new H5(path);
        using var file = h5.Open();
        if (h5.HasAttribute(file, "/", "model_config")) return null;
        if (h5.HasAttribute(file, "/", "layer_names")) return (Keras2, ReadKeras2(h5, file, "/"));
        if (h5.Child(file, "/", "model_weights") is IH5Group mw && h5.HasAttribute(mw, "/model_weights", "layer_names"))
            return (Keras2, ReadKeras2(h5, mw, "/model_weights"));
        var children = h5.Guard("/", "a group", () => file.Children().Select(c => c.Name).ToList());
        if (children.Contains("layers") || children.Any(c => c.StartsWith("layers\\", StringComparison.Ordinal) || c.StartsWith("_layer_checkpoint_dependencies\\", StringComparison.Ordinal)))
        {
            var weights = new List<StoredWeight>();
            Walk(h5, file, "", weights);
            return (Keras3, weights);
        }
        throw h5.Error("/", "expected a Keras model or weights file (attribute 'model_config' or 'layer_names', or a group 'layers'), got none of them.");
    }

    private static List<StoredWeight> ReadKeras2(H5 h5, IH5Group group, string groupPath)
    {
        var weights = new List<StoredWeight>();
        foreach (var layer in h5.StringListAttribute(group, groupPath, "layer_names"))
        {
            string lp = $"{groupPath.TrimEnd('/')}/{layer}";
            var g = h5.Child(group, groupPath, layer) as IH5Group ?? throw h5.Error(lp, "expected the layer's weight group named in layer_names, got none.");
            foreach (var name in h5.StringListAttribute(g, lp, "weight_names"))
            {
                string wp = $"{lp}/{name}";
                var d = h5.Guard(wp, "a weight dataset", () => g.LinkExists(name) ? g.Get(name) : null) as IH5Dataset
                    ?? throw h5.Error(wp, "expected the weight dataset named in weight_names, got none.");
                weights.Add(new StoredWeight(layer, name, Dims(h5, d, wp)));
            }
        }
        return weights;
    }

    /// <summary>
    /// Every dataset below <paramref name="group"/>: a dataset at <c>…/&lt;owner&gt;/vars/&lt;i&gt;</c> is
    /// weight i of that owner (a layer's key path with the leading <c>layers/</c> dropped, or
    /// <c>optimizer</c>); any other dataset is named by its parent's path.
    /// </summary>
    private static void Walk(H5 h5, IH5Group group, string path, List<StoredWeight> weights)
    {
        var children = h5.Guard("/" + path, "a group", () => group.Children().ToList());
        foreach (var child in children.OrderBy(c => c.Name, Comparer<string>.Create(NaturalCompare)))
        {
            string cp = path.Length == 0 ? child.Name : $"{path}/{child.Name}";
            if (child is IH5Group g) { Walk(h5, g, cp, weights); continue; }
            if (child is not IH5Dataset d) continue;
            int slash = cp.LastIndexOf('/');
            string owner = slash < 0 ? "" : cp[..slash], name = cp[(slash + 1)..];
            if (owner.EndsWith("/vars", StringComparison.Ordinal)) owner = owner[..^5];
            else if (owner == "vars") owner = "";
            foreach (var prefix in new[] { "layers/", "layers\\", "_layer_checkpoint_dependencies\\" })
                if (owner.StartsWith(prefix, StringComparison.Ordinal)) { owner = owner[prefix.Length..]; break; }
            weights.Add(new StoredWeight(owner, name, Dims(h5, d, "/" + cp)));
        }
    }

    // Keras 3 numbers variables 0, 1, …, 10 and layer keys dense, dense_1, …, dense_10: list them
    // in that order (digit runs compared as numbers), not as strings sort.
    private static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var da = a.AsSpan(si, i - si).TrimStart('0');
                var db = b.AsSpan(sj, j - sj).TrimStart('0');
                int c = da.Length != db.Length ? da.Length.CompareTo(db.Length) : da.SequenceCompareTo(db);
                if (c != 0) return c;
                continue;
            }
            if (a[i] != b[j]) return a[i].CompareTo(b[j]);
            i++; j++;
        }
        return (a.Length - i).CompareTo(b.Length - j) is var r && r != 0 ? r : string.CompareOrdinal(a, b);
    }

    private static int[] Dims(H5 h5, IH5Dataset d, string objectPath) =>
        h5.Guard(objectPath, "a dataset's shape", () => d.Space.Dimensions.Select(x => x > int.MaxValue
            ? throw h5.Error(objectPath, $"expected dimensions below 2^31, got {x}.") : (int)x).ToArray());
}
