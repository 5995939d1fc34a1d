using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// The Keras 3 <c>.keras</c> zip: <c>config.json</c>, <c>metadata.json</c>, and
/// <c>model.weights.h5</c> with each layer's weights at <c>layers/&lt;key&gt;/vars/&lt;i&gt;</c>. The key is
/// the snake_case class name with a per-class counter in layer order (<c>dense</c>, <c>dense_1</c>),
/// not the layer's name. tf.keras 2.13–2.15 wrote <c>layers\dense</c> as one (backslash) name.
/// </summary>
internal static class KerasZipFormat
{
    public static Model Load(string path, bool compile)
    {
        JsonObject config;
        byte[] weights;
        string? version = null;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry("config.json") ?? throw new ModelFormatException(path, "config.json", "expected the model config in the archive, got none.");
            using (var r = new StreamReader(configEntry.Open())) config = ModelConfig.Parse(r.ReadToEnd(), $"{path} [config.json]");
            if (zip.GetEntry("metadata.json") is { } meta)
                using (var r = new StreamReader(meta.Open()))
                    version = ModelConfig.Parse(r.ReadToEnd(), $"{path} [metadata.json]")["keras_version"] is JsonValue kv && kv.TryGetValue<string>(out var sv) ? sv : null;
            var wEntry = zip.GetEntry("model.weights.h5") ?? throw new ModelFormatException(path, "model.weights.h5", "expected the weights in the archive, got none.");
            using var ms = new MemoryStream();
            using (var s = wEntry.Open()) s.CopyTo(ms);
            weights = ms.ToArray();
        }
        catch (InvalidDataException e) { throw new ModelFormatException(path, "/", $"expected a valid .keras zip archive, got {e.Message}", e); }

        var model = ModelConfig.Build(config, $"{path} [config.json]", version);
        var h5 = new H5($"{path} [model.weights.h5]");
        using (var file = h5.Guard("/", "an HDF5 weights file", () => H5File.Open(new MemoryStream(weights), leaveOpen: false)))
            LoadLayers(model, h5, file, "");
        if (compile && config["compile_config"] is JsonObject cc && !TrainingConfig.TryCompile(model, cc, out var reason))
            Console.Error.WriteLine($"Warning: {path}: the model loaded but was not compiled: {reason}. Call Compile yourself.");
        if (compile && model.IsCompiled) OptimizerState.LoadKeras(model, path, weights, config["compile_config"] as JsonObject, version);
        return model;
    }

    private static void LoadLayers(Model model, H5 h5, IH5Group root, string prefix)
    {
        var groups = LayerGroups(h5, root, prefix);
        var used = new Dictionary<string, int>();
        foreach (var layer in model.Layers)
        {
            string baseName = LayerNames.ToSnakeCase(layer.ClassName);
            used.TryGetValue(baseName, out int k);
            used[baseName] = k + 1;
            var list = groups.GetValueOrDefault(baseName);
            var entry = list is not null && k < list.Count ? list[k] : default;
            string rel = entry.path ?? $"{prefix}layers/{(k == 0 ? baseName : $"{baseName}_{k}")}";
            if (layer is Model inner)
            {
                if (entry.group is null) throw h5.Error("/" + rel, $"expected the weights of nested model '{layer.Name}', got none.");
                LoadLayers(inner, h5, entry.group, "");
                continue;
            }
            if (layer.Weights.Count == 0) continue;
            if (entry.group is null) throw h5.Error("/" + rel, $"expected the weights of {layer.ClassName} '{layer.Name}', got none.");
            // Keras 3 keeps a recurrent layer's weights in its cell: layers/gru/cell/vars.
            var vars = h5.Child(entry.group, "/" + rel, "vars") as IH5Group;
            if ((vars is null || !h5.Guard($"/{rel}/vars", "a group", () => vars.Children().Any())) && h5.Child(entry.group, "/" + rel, "cell") is IH5Group cell)
            {
                vars = h5.Child(cell, $"/{rel}/cell", "vars") as IH5Group;
                rel += "/cell";
            }
            if (vars is null) throw h5.Error($"/{rel}/vars", "expected the group of variables, got none.");
            var values = new List<Tensor>();
            for (int i = 0; i < layer.Weights.Count; i++)
            {
                var d = h5.Child(vars, $"/{rel}/vars", i.ToString()) as IH5Dataset
                    ?? throw h5.Error($"/{rel}/vars/{i}", $"expected weight {i} of {layer.ClassName} '{layer.Name}' ({layer.Weights[i].Name}), got none.");
                values.Add(h5.ReadTensor(d, $"/{rel}/vars/{i}"));
            }
            for (int i = 0; i < values.Count; i++)
                if (values[i].Shape != layer.Weights[i].Shape)
                    throw h5.Error($"/{rel}/vars/{i}", $"{layer.ClassName} '{layer.Name}': expected weight '{layer.Weights[i].Name}' of shape {layer.Weights[i].Shape}, got {values[i].Shape}.");
            layer.SetWeights(values);
        }
    }

    /// <summary>
    /// The layer groups of a weights file by snake_case class name, in counter order. Keras 3 nests
    /// them under <c>layers/</c> with consecutive counters; tf.keras 2.13–2.15 wrote single names
    /// such as <c>layers\dense</c> or <c>_layer_checkpoint_dependencies\conv2d_4</c>, whose counters
    /// can skip: only their order matters.
    /// </summary>
    private static Dictionary<string, List<(IH5Group group, string path)>> LayerGroups(H5 h5, IH5Group root, string prefix)
    {
        var found = new List<(string key, IH5Group group, string path)>();
        if (h5.Child(root, "/", "layers") is IH5Group layers)
        {
            foreach (var c in h5.Guard($"/{prefix}layers", "a group", () => layers.Children().ToList()))
                if (c is IH5Group g) found.Add((c.Name, g, $"{prefix}layers/{c.Name}"));
        }
        else
        {
            foreach (var c in h5.Guard($"/{prefix}", "a group", () => root.Children().ToList()))
                foreach (var p in new[] { "layers\\", "_layer_checkpoint_dependencies\\" })
                    if (c is IH5Group g && c.Name.StartsWith(p)) found.Add((c.Name[p.Length..], g, prefix + c.Name));
        }
        return found
            .Select(f =>
            {
                var m = System.Text.RegularExpressions.Regex.Match(f.key, @"^(.*)_(\d+)$");
                return m.Success ? (baseName: m.Groups[1].Value, n: int.Parse(m.Groups[2].Value), f.group, f.path) : (baseName: f.key, n: 0, f.group, f.path);
            })
            .GroupBy(x => x.baseName)
            .ToDictionary(g => g.Key, g => g.OrderBy(x => x.n).Select(x => (x.group, x.path)).ToList());
    }

    /// <summary>Keras 3's per-class counter keys, in layer order.</summary>
    private static IEnumerable<(Layer layer, string key)> Keys(Model model)
    {
        var counts = new Dictionary<string, int>();
        foreach (var layer in model.Layers)
        {
            string baseName = LayerNames.ToSnakeCase(layer.ClassName);
            counts.TryGetValue(baseName, out int n);
            counts[baseName] = n + 1;
            yield return (layer, n == 0 ? baseName : $"{baseName}_{n}");
        }
    }

    public static void Save(Model model, string path)
    {
        var weights = new H5File();
        var layers = new H5Group();
        weights["layers"] = layers;
        Fill(model, layers);
        if (model.IsCompiled) OptimizerState.SaveKeras(model, weights);
        using var weightBytes = new MemoryStream();
        weights.Write(weightBytes);
        var metadata = new JsonObject { ["keras_version"] = KerasFormat.KerasVersion, ["date_saved"] = DateTime.UtcNow.ToString("yyyy-MM-dd@HH:mm:ss") };
        var config = ModelConfig.Serialize(model);
        if (model.IsCompiled) config["compile_config"] = TrainingConfig.Serialize(model);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Entry(zip, "metadata.json", metadata.ToJsonString());
            Entry(zip, "config.json", config.ToJsonString());
            using var w = zip.CreateEntry("model.weights.h5", CompressionLevel.NoCompression).Open();
            weightBytes.Position = 0;
            weightBytes.CopyTo(w);
        });
    }

    private static void Fill(Model model, H5Group layers)
    {
        foreach (var (layer, key) in Keys(model))
        {
            var g = new H5Group();
            layers[key] = g;
            if (layer is Model inner)
            {
                var innerLayers = new H5Group();
                g["layers"] = innerLayers;
                Fill(inner, innerLayers);
                continue;
            }
            var vars = new H5Group();
            g["vars"] = vars;
            for (int i = 0; i < layer.Weights.Count; i++) KerasH5Format.Put(vars, i.ToString(), layer.Weights[i].Value);
        }
    }

    private static void Entry(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name).Open());
        w.Write(text);
    }
}
