using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using Graft.Layers;
using Graft.Models;
using Graft.Tensors;
using Microsoft.Extensions.Logging;

namespace Graft.Saving;

/// <summary>
/// The Keras 3 <c>.keras</c> zip: <c>config.json</c> (the model config with its <c>build_config</c>
/// and <c>compile_config</c>), <c>metadata.json</c>, and <c>model.weights.h5</c> in
/// <see cref="KerasWeightStore"/>'s layout.
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
            weights = WeightsEntry(zip, path);
        }
        catch (InvalidDataException e) { throw NotAnArchive(path, e); }

        var h5 = new H5($"{path} [model.weights.h5]", weights.Length);
        using var file = h5.Open(new MemoryStream(weights));
        Model model;
        using (WeightBudget.Begin($"{path} [config.json]", h5.StoredValues(file, "/")))
            model = ModelConfig.Build(config, $"{path} [config.json]", version);
        KerasWeightStore.Read(model, h5, file);
        // Keras writes an empty compile_config for a model that was never compiled.
        if (compile && config["compile_config"] is JsonObject { Count: > 0 } cc && !TrainingConfig.TryCompile(model, cc, out var reason))
            Logging.Saving.LogWarning("{Path}: the model loaded but was not compiled: {Reason}. Call Compile yourself.", path, reason);
        if (compile && model.IsCompiled) OptimizerState.LoadKeras(model, h5, file, config["compile_config"] as JsonObject, version);
        return model;
    }

    /// <summary>Sets <paramref name="model"/>'s weights from the archive's <c>model.weights.h5</c> (Keras 3's <c>load_weights("x.keras")</c>).</summary>
    public static void LoadWeights(Model model, string path, bool skipMismatch)
    {
        byte[] weights;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            weights = WeightsEntry(zip, path);
        }
        catch (InvalidDataException e) { throw NotAnArchive(path, e); }
        var h5 = new H5($"{path} [model.weights.h5]", weights.Length);
        using var file = h5.Open(new MemoryStream(weights));
        KerasWeightStore.Read(model, h5, file, skipMismatch);
        OptimizerState.LoadWeightsOnly(model, h5, file, skipMismatch);
    }

    /// <summary>The bytes of the archive's <c>model.weights.h5</c>.</summary>
    private static byte[] WeightsEntry(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry("model.weights.h5") ?? throw new ModelFormatException(path, "model.weights.h5", "expected the weights in the archive, got none.");
        using var ms = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(ms);
        return ms.ToArray();
    }

    private static ModelFormatException NotAnArchive(string path, InvalidDataException e) =>
        new(path, "/", $"expected a valid .keras zip archive, got {e.Message}", e);

    public static void Save(Model model, string path)
    {
        var weights = KerasWeightStore.Write(model);
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

    private static void Entry(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name).Open());
        w.Write(text);
    }
}
