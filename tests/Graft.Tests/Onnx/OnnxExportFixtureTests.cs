using Graft.Models;
using Graft.Tests.Testing;

namespace Graft.Tests.Onnx;

/// <summary>
/// The acceptance test of ONNX export: every real Keras file Graft loads, exported and run in ONNX
/// Runtime, predicts what Graft predicts, within 1e-4 of the largest output.
/// </summary>
public class OnnxExportFixtureTests
{
    /// <summary>Fixtures Graft does not load (a custom layer class): nothing to export. FixtureSweepTests holds their outcome.</summary>
    private static readonly string[] s_notLoaded = ["k3.14.1_hls4ml_qkeras_3layer_CUSTOM.keras"];

    private static IEnumerable<string> ModelFileNames() =>
        Directory.GetFiles(Fixtures.Dir)
            .Select(f => Path.GetFileName(f)!)
            .Where(f => (f.EndsWith(".h5") || f.EndsWith(".hdf5") || f.EndsWith(".keras")) && !f.EndsWith(".io.h5"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<object[]> LoadableModels() => ModelFileNames().Except(s_notLoaded).Select(f => new object[] { f });

    /// <summary>A model file, or a weights-only file put into the model its config (or its full twin) describes.</summary>
    private static Model Load(string file)
    {
        string path = Fixtures.Keras(file);
        if (!file.EndsWith(".weights.h5")) return Model.Load(path);
        string config = Fixtures.Keras(file.Replace(".weights.h5", ".config.json"));
        var model = File.Exists(config) ? Model.FromJson(File.ReadAllText(config)) : Model.Load(path.Replace(".weights.h5", ".h5"));
        model.LoadWeights(path);
        return model;
    }

    [Theory]
    [MemberData(nameof(LoadableModels))]
    public void OnnxRuntimeMatchesGraft(string file)
    {
        var model = Load(file);
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, seed: 11), file);
    }

    [Fact]
    public void TheFixturesLeftOutAreTheOnesGraftCannotLoad()
    {
        // Leaving a loadable fixture out would silently shrink the acceptance test.
        foreach (var file in s_notLoaded) Assert.Throws<NotSupportedException>(() => Load(file));
        Assert.Empty(s_notLoaded.Except(ModelFileNames()));
    }
}
