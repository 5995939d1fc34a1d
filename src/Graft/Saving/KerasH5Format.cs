using System.Text.Json.Nodes;
using PureHDF;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;
using Microsoft.Extensions.Logging;

namespace Graft.Saving;

/// <summary>
/// Keras's legacy HDF5 layout (<c>.h5</c>, <c>.hdf5</c>), as written by Keras 1, Keras 2, tf.keras
/// and Keras 3: root attributes <c>model_config</c>, <c>training_config</c>, <c>keras_version</c>,
/// <c>backend</c>; group <c>model_weights</c> (or the root, for <c>save_weights</c> files) with
/// <c>layer_names</c>, one group per layer with <c>weight_names</c>, and the weights at those names.
/// </summary>
internal static class KerasH5Format
{
    public static Model Load(string path, bool compile)
    {
        var h5 = new H5(path);
        using var file = h5.Open();
        string config = h5.StringAttribute(file, "/", "model_config")
            ?? throw h5.Error("/", h5.HasAttribute(file, "/", "layer_names")
                ? "expected a full model (attribute 'model_config'), got a weights-only file: build the model (or Model.FromJson) and call LoadWeights."
                : "expected attribute 'model_config', got none.");
        string? version = h5.StringAttribute(file, "/", "keras_version");
        var weights = h5.Child(file, "/", "model_weights") as IH5Group
            ?? throw h5.Error("/model_weights", "expected the group of weights, got none.");
        Model model;
        using (WeightBudget.Begin($"{path} [/@model_config]", h5.StoredValues(weights, "/model_weights")))
            model = ModelConfig.Build(ModelConfig.Parse(config, $"{path} [/@model_config]"), $"{path} [/@model_config]", version);
        string? backend = h5.StringAttribute(file, "/", "backend");
        LoadWeights(model, h5, weights, "/model_weights", version, backend, byName: false, skipMismatch: false);
        if (compile && h5.StringAttribute(file, "/", "training_config") is { } tc)
        {
            var json = ModelConfig.Parse(tc, $"{path} [/@training_config]");
            if (!TrainingConfig.TryCompile(model, json, out var reason))
                Logging.Saving.LogWarning("{Path}: the model loaded but was not compiled: {Reason}. Call Compile yourself.", path, reason);
        }
        if (compile && model.IsCompiled) OptimizerState.LoadH5(model, h5, file, version);
        return model;
    }

    public static void LoadWeightsFile(Model model, string path, bool byName, bool skipMismatch)
    {
        var h5 = new H5(path);
        using var file = h5.Open();
        IH5Group group = file;
        string groupPath = "/";
        if (!h5.HasAttribute(file, "/", "layer_names"))
        {
            if (h5.Child(file, "/", "model_weights") is IH5Group mw) { group = mw; groupPath = "/model_weights"; }
            else if (KerasWeightStore.HasLayout(h5, file))
            {
                // Keras 3's layout (x.weights.h5) addresses layers by class and position, not by name.
                if (byName) throw new ArgumentException($"{model.Describe()}.LoadWeights: expected a legacy .h5 weights file (attribute 'layer_names') to load by name, got Keras 3's layout (layers/<key>/vars) in {path}, which has no layer names; load it by position.");
                KerasWeightStore.Read(model, h5, file, skipMismatch);
                OptimizerState.LoadWeightsOnly(model, h5, file, skipMismatch);
                return;
            }
            else throw h5.Error("/", "expected a Keras weights file: the legacy layout (attribute 'layer_names', or group 'model_weights') or Keras 3's (group 'layers'), got neither.");
        }
        LoadWeights(model, h5, group, groupPath, h5.StringAttribute(group, groupPath, "keras_version") ?? h5.StringAttribute(file, "/", "keras_version"),
            h5.StringAttribute(group, groupPath, "backend") ?? h5.StringAttribute(file, "/", "backend"), byName, skipMismatch);
    }

    /// <summary>
    /// The names of the layers that hold weights in a file of Keras 2's layout (<c>layer_names</c> at the
    /// root or under <c>model_weights</c>), or null for any other layout.
    /// </summary>
    public static HashSet<string>? LegacyWeightedLayerNames(string path)
    {
        var h5 = new H5(path);
        using var file = h5.Open();
        IH5Group group = file;
        string groupPath = "/";
        if (!h5.HasAttribute(file, "/", "layer_names"))
        {
            if (h5.Child(file, "/", "model_weights") is IH5Group mw && h5.HasAttribute(mw, "/model_weights", "layer_names")) { group = mw; groupPath = "/model_weights"; }
            else return null;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in h5.StringListAttribute(group, groupPath, "layer_names"))
        {
            string lp = $"{groupPath.TrimEnd('/')}/{name}";
            if (h5.Child(group, groupPath, name) is IH5Group g && h5.StringListAttribute(g, lp, "weight_names").Length > 0) names.Add(name);
        }
        return names;
    }

    private static void LoadWeights(Model model, H5 h5, IH5Group group, string groupPath, string? version, string? backend, bool byName, bool skipMismatch)
    {
        var layerNames = h5.StringListAttribute(group, groupPath, "layer_names");
        var fileLayers = new List<(string name, List<Tensor> values, string[] weightNames)>();
        foreach (var name in layerNames)
        {
            string lp = $"{groupPath.TrimEnd('/')}/{name}";
            var g = h5.Child(group, groupPath, name) as IH5Group ?? throw h5.Error(lp, "expected the layer's weight group, got none.");
            var values = new List<Tensor>();
            var weightNames = h5.StringListAttribute(g, lp, "weight_names");
            foreach (var wn in weightNames)
            {
                string wp = $"{lp}/{wn}";
                var d = h5.Guard(wp, "a weight dataset", () => g.LinkExists(wn) ? g.Get(wn) : null) as IH5Dataset
                    ?? throw h5.Error(wp, "expected the weight dataset named in weight_names, got none.");
                values.Add(h5.ReadTensor(d, wp));
            }
            fileLayers.Add((name, values, weightNames));
        }
        var withWeights = fileLayers.Where(l => l.values.Count > 0).ToList();

        if (byName)
        {
            var byLayerName = withWeights.ToDictionary(l => l.name, l => (l.values, l.weightNames));
            foreach (var layer in model.Layers)
            {
                if (!byLayerName.TryGetValue(layer.Name, out var stored)) continue;
                var values = InModelOrder(layer, stored.values, stored.weightNames);
                if (!Fits(layer, values)) { if (skipMismatch) { Logging.Saving.LogWarning("{Path}: skipping weights of layer '{Layer}': {Reason}.", h5.Path, layer.Name, Mismatch(layer, values)); continue; } }
                Assign(h5, $"{groupPath.TrimEnd('/')}/{layer.Name}", layer, values, version, backend);
            }
            return;
        }
        var modelLayers = model.Layers.Where(l => l.Weights.Count > 0).ToList();
        if (modelLayers.Count != withWeights.Count)
        {
            var unbuilt = model.Layers.Where(l => !l.Built).Select(l => l.Name).ToList();
            string hint = unbuilt.Count > 0 ? $" Layers {string.Join(", ", unbuilt)} are not built, so they have no weights yet: build the model (Build, or an input shape) before loading." : "";
            throw h5.Error(groupPath, $"expected weights for {modelLayers.Count} layers ({string.Join(", ", modelLayers.Select(l => l.Name))}), got {withWeights.Count} ({string.Join(", ", withWeights.Select(l => l.name))}).{hint}");
        }
        for (int i = 0; i < modelLayers.Count; i++)
            Assign(h5, $"{groupPath.TrimEnd('/')}/{withWeights[i].name}", modelLayers[i], InModelOrder(modelLayers[i], withWeights[i].values, withWeights[i].weightNames), version, backend);
    }

    /// <summary>
    /// A nested model's stored weights put in the order this model expects. The legacy layout lists a
    /// nested model's trainable weights first, so the file's order follows the Trainable flags at save
    /// time: loaded by position into a model frozen differently, weights of equal shapes would be
    /// swapped without an error. When every stored name ("…/&lt;layer&gt;/&lt;weight&gt;[:0]") names exactly
    /// one weight of the nested model and the shapes agree, the values follow the names; otherwise
    /// (names of another era or another model) they stay in file order, as Keras loads them.
    /// </summary>
    private static List<Tensor> InModelOrder(Layer layer, List<Tensor> values, string[] weightNames)
    {
        if (layer is not Model || weightNames.Length != values.Count) return values;
        var order = WeightConversion.LegacyOrder(layer);
        if (order.Count != values.Count) return values;
        var keys = order.Select(v => $"{v.Owner.Name}/{v.Name}").ToList();
        if (keys.Distinct().Count() != keys.Count) return values;
        var placed = new Tensor?[order.Count];
        for (int i = 0; i < weightNames.Length; i++)
        {
            string n = weightNames[i].EndsWith(":0", StringComparison.Ordinal) ? weightNames[i][..^2] : weightNames[i];
            var matches = Enumerable.Range(0, keys.Count).Where(k => n == keys[k] || n.EndsWith("/" + keys[k], StringComparison.Ordinal)).ToList();
            if (matches.Count != 1 || placed[matches[0]] is not null) return values;
            placed[matches[0]] = values[i];
        }
        // Names that happen to match weights of other shapes (another model's names) leave the file order.
        var byName = placed.Select(t => t!).ToList();
        return order.Zip(byName).All(p => p.First.Shape == p.Second.Shape) ? byName : values;
    }

    private static bool Fits(Layer layer, List<Tensor> values)
    {
        var order = WeightConversion.LegacyOrder(layer);
        return order.Count == values.Count && order.Zip(values).All(p => p.First.Shape == p.Second.Shape);
    }

    private static string Mismatch(Layer layer, List<Tensor> values)
    {
        var order = WeightConversion.LegacyOrder(layer);
        return $"expected {order.Count} weights of shapes {string.Join(", ", order.Select(w => w.Shape))}, got {values.Count} of shapes {string.Join(", ", values.Select(v => v.Shape))}";
    }

    private static void Assign(H5 h5, string objectPath, Layer layer, List<Tensor> values, string? version, string? backend)
    {
        List<Tensor> converted;
        // Keras 1 layouts (per-gate LSTM weights, "th" kernels) are joined and transposed: a damaged file's shapes may not fit.
        try { converted = WeightConversion.FromFile(layer, values, version, backend); }
        catch (ArgumentException e) { throw h5.Error(objectPath, $"{layer.ClassName} '{layer.Name}': expected weights in a layout Keras writes, got shapes {string.Join(", ", values.Select(v => v.Shape))}: {e.Message}", e); }
        if (!Fits(layer, converted)) throw h5.Error(objectPath, $"{layer.ClassName} '{layer.Name}': {Mismatch(layer, converted)}.");
        // Keras's legacy order (trainable first) may differ from Weights for a nested model.
        foreach (var (v, value) in WeightConversion.LegacyOrder(layer).Zip(converted)) v.Assign(value);
    }

    public static void Save(Model model, string path, bool includeModel)
    {
        var weights = WeightsGroup(model);
        H5File file;
        if (includeModel)
        {
            file = new H5File { ["model_weights"] = weights };
            file.Attributes["keras_version"] = KerasFormat.KerasVersion;
            file.Attributes["backend"] = "tensorflow";
            file.Attributes["model_config"] = ModelConfig.ToKeras2(ModelConfig.Serialize(model)).ToJsonString();
            if (model.IsCompiled) file.Attributes["training_config"] = TrainingConfig.SerializeKeras2(model).ToJsonString();
            if (model.IsCompiled) OptimizerState.SaveH5(model, file);
        }
        else
        {
            file = new H5File();
            foreach (var (k, v) in weights) file[k] = v;
            foreach (var (k, v) in weights.Attributes) file.Attributes[k] = v;
        }
        AtomicFile.Write(path, stream => file.Write(stream));
    }

    /// <summary>tf.keras's layout: layer groups with weight_names "layer/kernel:0" and datasets at those paths.</summary>
    private static H5Group WeightsGroup(Model model)
    {
        // The legacy layout keys each layer's group by its name: a second layer of the same name would overwrite the first.
        if (model.Layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new InvalidOperationException($"{model.Describe()}.Save: expected unique layer names (the .h5 layout stores weights by layer name), got '{dup.Key}' {dup.Count()} times. Give the layers distinct names, or save as .keras.");
        var group = new H5Group();
        group.Attributes["layer_names"] = model.Layers.Select(l => l.Name).ToArray();
        group.Attributes["backend"] = "tensorflow";
        group.Attributes["keras_version"] = KerasFormat.KerasVersion;
        foreach (var layer in model.Layers)
        {
            var g = new H5Group();
            var names = new List<string>();
            foreach (var w in WeightConversion.ToFile(layer))
            {
                string name = $"{w.Scope}/{w.Name}:0";
                names.Add(name);
                Put(g, name, w.Value);
            }
            g.Attributes["weight_names"] = names.ToArray();
            group[layer.Name] = g;
        }
        return group;
    }

    /// <summary>Places a dataset at a '/'-separated path below <paramref name="g"/>, creating groups.</summary>
    internal static void Put(H5Group g, string path, Tensor value)
    {
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!g.TryGetValue(parts[i], out var child)) g[parts[i]] = child = new H5Group();
            g = (H5Group)child;
        }
        g[parts[^1]] = new H5Dataset(value.ToArray(), fileDims: value.Shape.Dims.Select(d => (ulong)d).ToArray());
    }
}
