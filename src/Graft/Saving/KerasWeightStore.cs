using System.Text.RegularExpressions;
using PureHDF;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Keras 3's weights file: <c>model.weights.h5</c> inside every <c>.keras</c>, and what Keras 3's
/// <c>save_weights("x.weights.h5")</c> writes (keras/src/saving/saving_lib.py, <c>H5IOStore</c>).
/// A model's layers sit at <c>layers/&lt;key&gt;</c>, the key being the snake_case class name with a
/// per-class counter in layer order (<c>dense</c>, <c>dense_1</c>), not the layer's name; below it
/// each weight at the path its layer declares (<see cref="Layer.KerasWeightPaths()"/>): own weights
/// at <c>vars/&lt;i&gt;</c>, sub-objects under their attribute names (<c>cell/vars/0</c>,
/// <c>forward_layer/cell/vars/0</c>, <c>query_dense/vars/0</c>). Reading also accepts tf.keras
/// 2.13–2.15's single backslash names (<c>layers\dense</c>), Keras 3.0's private attribute names
/// (<c>_query_dense</c>), and the flat <c>vars/&lt;i&gt;</c> that Graft wrote before it followed
/// Keras's nesting. Every stored weight of a layer group must find its place: a file whose weights
/// the model cannot take is a <see cref="ModelFormatException"/>, never a model with fresh weights.
/// </summary>
internal static partial class KerasWeightStore
{
    /// <summary>Keras 3's per-class counter keys, in layer order.</summary>
    public static IEnumerable<(Layer Layer, string Key)> LayerKeys(IEnumerable<Layer> layers)
    {
        var counts = new Dictionary<string, int>();
        foreach (var layer in layers)
        {
            string baseName = LayerNames.ToSnakeCase(layer.ClassName);
            counts.TryGetValue(baseName, out int n);
            counts[baseName] = n + 1;
            yield return (layer, n == 0 ? baseName : $"{baseName}_{n}");
        }
    }

    /// <summary>
    /// Each weight of <paramref name="layer"/> at its path, once: a weight reachable twice (a shared
    /// layer) keeps its first path, as Keras's saving skips objects it has visited.
    /// </summary>
    /// <exception cref="NotSupportedException">A weight has no declared path (a custom layer with sub-layers that does not override <see cref="Layer.KerasWeightPaths()"/>).</exception>
    public static List<(string Path, Variable Weight)> Paths(Layer layer)
    {
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var paths = layer.KerasWeightPaths().Where(p => seen.Add(p.Weight)).ToList();
        foreach (var v in layer.Weights)
            if (!seen.Contains(v))
                throw new NotSupportedException($"{layer.Describe()}: expected a Keras 3 weights-file path for every weight, got none for '{v.Path}'. A layer that owns sub-layers declares where their weights go by overriding KerasWeightPaths.");
        return paths;
    }

    /// <summary>True when <paramref name="root"/> holds Keras 3's layout (a <c>layers</c> group, or tf.keras 2.13–2.15's backslash names).</summary>
    public static bool HasLayout(H5 h5, IH5Group root) =>
        h5.Child(root, "", "layers") is IH5Group
        || h5.Children(root, "/").Any(c => c is IH5Group && LegacyPrefixes.Any(p => c.Name.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>The weights file for <paramref name="model"/>: its layers' weights, and an empty <c>vars</c> group for every layer and the model, as Keras writes.</summary>
    public static H5File Write(Model model)
    {
        var file = new H5File { ["vars"] = new H5Group() };
        EmptyGroups(model, file, "");
        foreach (var (path, weight) in Paths(model)) KerasH5Format.Put(file, path, weight.Value);
        return file;
    }

    private static void EmptyGroups(Model model, H5Group root, string prefix)
    {
        foreach (var (layer, key) in LayerKeys(model.Layers))
        {
            Group(root, $"{prefix}layers/{key}/vars");
            if (layer is Model inner) EmptyGroups(inner, root, $"{prefix}layers/{key}/");
        }
    }

    private static H5Group Group(H5Group g, string path)
    {
        foreach (var part in path.Split('/'))
        {
            if (!g.TryGetValue(part, out var child)) g[part] = child = new H5Group();
            g = (H5Group)child;
        }
        return g;
    }

    /// <summary>Sets <paramref name="model"/>'s weights from the file rooted at <paramref name="root"/>.</summary>
    /// <param name="model">The model, built.</param>
    /// <param name="h5">The file, for error messages.</param>
    /// <param name="root">The group holding <c>layers</c>.</param>
    /// <param name="skipMismatch">Leave layers whose stored weights do not fit as they are (Keras's <c>skip_mismatch</c>).</param>
    /// <exception cref="ModelFormatException">A weight is missing or has another shape, or the file holds weights no layer takes.</exception>
    public static void Read(Model model, H5 h5, IH5Group root, bool skipMismatch = false)
    {
        var reader = new Reader(h5);
        var owners = new List<(string Path, Layer Layer)>();
        reader.ReadModel(model, root, "", owners, skipMismatch);
        reader.CheckAllPlaced(root, owners);
    }

    private static readonly string[] LegacyPrefixes = ["layers\\", "_layer_checkpoint_dependencies\\"];

    [GeneratedRegex(@"^(.*)_(\d+)$")] private static partial Regex CounterKey();

    /// <summary>Splits a key into its class base and counter: <c>dense_2</c> → (dense, 2).</summary>
    private static (string Base, int N) SplitKey(string key)
    {
        var m = CounterKey().Match(key);
        return m.Success && int.TryParse(m.Groups[2].Value, out int n) ? (m.Groups[1].Value, n) : (key, 0);
    }

    private sealed class Reader(H5 h5)
    {
        private readonly HashSet<string> _placed = [];
        private readonly Dictionary<string, Dictionary<string, List<(IH5Group Group, string Path)>>> _layerGroups = [];

        /// <summary>
        /// The layer groups below <paramref name="g"/> by class base, in counter order. Keras 3 nests
        /// them under <c>layers/</c> with consecutive counters; tf.keras 2.13–2.15 wrote single names
        /// such as <c>layers\dense</c> or <c>_layer_checkpoint_dependencies\conv2d_4</c>, whose counters
        /// can skip: only their order matters.
        /// </summary>
        public Dictionary<string, List<(IH5Group Group, string Path)>> LayerGroups(IH5Group g, string gPath)
        {
            if (_layerGroups.TryGetValue(gPath, out var cached)) return cached;
            var found = new List<(string Key, IH5Group Group, string Path)>();
            if (h5.Child(g, gPath, "layers") is IH5Group layers)
            {
                foreach (var c in h5.Children(layers, $"{gPath}/layers"))
                    if (c is IH5Group cg) found.Add((c.Name, cg, $"{gPath}/layers/{c.Name}"));
            }
            else
            {
                foreach (var c in h5.Children(g, gPath.Length == 0 ? "/" : gPath))
                    foreach (var p in LegacyPrefixes)
                        if (c is IH5Group cg && c.Name.StartsWith(p, StringComparison.Ordinal)) found.Add((c.Name[p.Length..], cg, $"{gPath}/{c.Name}"));
            }
            var result = found
                .Select(f => (k: SplitKey(f.Key), f.Group, f.Path))
                .GroupBy(x => x.k.Base)
                .ToDictionary(x => x.Key, x => x.OrderBy(y => y.k.N).Select(y => (y.Group, y.Path)).ToList());
            _layerGroups[gPath] = result;
            return result;
        }

        /// <summary>The group of the layer keyed <paramref name="key"/> (the n-th of its class), or null.</summary>
        private (IH5Group Group, string Path)? LayerGroup(IH5Group g, string gPath, string key)
        {
            var (b, n) = SplitKey(key);
            return LayerGroups(g, gPath).TryGetValue(b, out var list) && n < list.Count ? list[n] : null;
        }

        public void ReadModel(Model model, IH5Group g, string gPath, List<(string Path, Layer Layer)> owners, bool skipMismatch)
        {
            foreach (var (layer, key) in LayerKeys(model.Layers))
            {
                var entry = LayerGroup(g, gPath, key);
                string where = entry?.Path ?? $"{gPath}/layers/{key}";
                if (entry is { } e) owners.Add((e.Path, layer));
                if (layer is Model inner)
                {
                    if (entry is { } m) ReadModel(inner, m.Group, m.Path, owners, skipMismatch);
                    else if (inner.Weights.Count > 0) throw h5.Error(where, $"expected the weights of nested model '{layer.Name}', got none.");
                    continue;
                }
                var expected = Paths(layer);
                if (expected.Count == 0) continue;
                if (entry is not { } le) throw h5.Error(where, $"expected the weights of {layer.Describe()}, got none.");
                var values = Nested(le.Group, le.Path, expected) ?? Flat(le.Group, le.Path, layer)
                    ?? throw h5.Error($"{le.Path}/{expected.First(p => Resolve(le.Group, le.Path, p.Path) is null).Path}",
                        $"expected weight '{expected.First(p => Resolve(le.Group, le.Path, p.Path) is null).Weight.Name}' of {layer.Describe()}, got none.");
                var bad = values.Select((v, i) => (v, i)).FirstOrDefault(x => x.v.Value.Shape != x.v.Weight.Shape);
                if (bad.v.Value is not null)
                {
                    if (!skipMismatch)
                        throw h5.Error(bad.v.Path, $"{layer.Describe()}: expected weight '{bad.v.Weight.Name}' of shape {bad.v.Weight.Shape}, got {bad.v.Value.Shape}.");
                }
                else foreach (var (path, weight, value) in values) weight.Assign(value);
                foreach (var v in values) _placed.Add(v.Path);
            }
        }

        /// <summary>The layer's weights at its declared paths, or null when one is missing.</summary>
        private List<(string Path, Variable Weight, Tensor Value)>? Nested(IH5Group g, string gPath, List<(string Path, Variable Weight)> expected)
        {
            var values = new List<(string, Variable, Tensor)>();
            foreach (var (rel, weight) in expected)
            {
                if (Resolve(g, gPath, rel) is not { } d) return null;
                values.Add((d.Path, weight, h5.ReadTensor(d.Dataset, d.Path)));
            }
            return values;
        }

        /// <summary>
        /// Graft's earlier files held every layer's weights flat, in <see cref="Layer.Weights"/> order,
        /// at <c>vars/&lt;i&gt;</c>: read them when the group holds exactly that many and no more.
        /// </summary>
        private List<(string Path, Variable Weight, Tensor Value)>? Flat(IH5Group g, string gPath, Layer layer)
        {
            if (h5.Child(g, gPath, "vars") is not IH5Group vars) return null;
            var weights = layer.Weights;
            int stored = h5.Children(vars, $"{gPath}/vars").Count;
            if (stored != weights.Count) return null;
            var values = new List<(string, Variable, Tensor)>();
            for (int i = 0; i < weights.Count; i++)
            {
                string p = $"{gPath}/vars/{i}";
                if (h5.Child(vars, $"{gPath}/vars", i.ToString()) is not IH5Dataset d) return null;
                values.Add((p, weights[i], h5.ReadTensor(d, p)));
            }
            return values;
        }

        /// <summary>
        /// Follows a relative path: <c>layers/&lt;key&gt;</c> by class counter (as at the top), other
        /// segments by name, or by Keras 3.0's private name (<c>_query_dense</c>).
        /// </summary>
        private (IH5Dataset Dataset, string Path)? Resolve(IH5Group g, string gPath, string rel)
        {
            var parts = rel.Split('/');
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (parts[i] == "layers" && i + 1 < parts.Length - 1)
                {
                    if (LayerGroup(g, gPath, parts[i + 1]) is not { } e) return null;
                    (g, gPath) = (e.Group, e.Path);
                    i++;
                    continue;
                }
                if (h5.Child(g, gPath, parts[i]) is IH5Group c) (g, gPath) = (c, $"{gPath}/{parts[i]}");
                else if (h5.Child(g, gPath, "_" + parts[i]) is IH5Group p) (g, gPath) = (p, $"{gPath}/_{parts[i]}");
                else return null;
            }
            return h5.Child(g, gPath, parts[^1]) is IH5Dataset d ? (d, $"{gPath}/{parts[^1]}") : null;
        }

        /// <summary>
        /// Fails on any stored weight of a layer group that no layer took: a layer the config left
        /// unbuilt, a layer the model lacks, a sub-object Graft does not know. Random-seed state
        /// (<c>seed_generator</c>) is not a weight and is skipped.
        /// </summary>
        public void CheckAllPlaced(IH5Group root, List<(string Path, Layer Layer)> owners)
        {
            foreach (var list in LayerGroups(root, "").Values)
                foreach (var (group, path) in list)
                    foreach (var (dataset, dPath) in Datasets(group, path))
                    {
                        if (_placed.Contains(dPath) || dPath.Split('/').Contains("seed_generator")) continue;
                        var owner = owners.Where(o => dPath.StartsWith(o.Path + "/", StringComparison.Ordinal)).OrderByDescending(o => o.Path.Length).Select(o => o.Layer).FirstOrDefault();
                        string shape = Shape.Format(h5.Guard(dPath, "a dataset", () => dataset.Space.Dimensions.Select(x => (int)x).ToArray()));
                        string hint = owner switch
                        {
                            null => "No layer of the model has this key: the model has fewer layers of this class than the file.",
                            { Built: false } => $"It belongs to {owner.Describe()}, which is not built: the config gives no input shape for it. Build the model before loading weights.",
                            _ => $"{owner.Describe()} has no weight at this path.",
                        };
                        throw h5.Error(dPath, $"expected every stored weight to be placed in the model, got one of shape {shape} that none takes. {hint}");
                    }
        }

        /// <summary>Every dataset below <paramref name="g"/>; HDF5 links can form cycles, so depth is bounded.</summary>
        private IEnumerable<(IH5Dataset, string)> Datasets(IH5Group g, string gPath, int depth = 0)
        {
            if (depth > MaxDepth) throw h5.Error(gPath, $"expected groups nested at most {MaxDepth} deep, got deeper (a link cycle?).");
            foreach (var c in h5.Children(g, gPath))
            {
                if (c is IH5Dataset d) yield return (d, $"{gPath}/{c.Name}");
                else if (c is IH5Group cg) foreach (var x in Datasets(cg, $"{gPath}/{c.Name}", depth + 1)) yield return x;
            }
        }

        /// <summary>Far deeper than any Keras layout (a wrapper in a nested model is about 8).</summary>
        private const int MaxDepth = 64;
    }
}
