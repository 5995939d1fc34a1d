using System.IO.Compression;
using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tests.Testing;
using Microsoft.Extensions.Logging;

namespace Graft.Tests.Saving;

/// <summary>
/// Warnings while loading reach the logger of <see cref="GraftContext.LoggerFactory"/> with the
/// file and the reason, and never the console.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class LoadWarningTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");

    /// <summary>A compiled model saved as .keras, then its compile_config's optimizer renamed to one Graft lacks.</summary>
    private static void SaveWithOptimizer(string path, string optimizerClass)
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile("mse", "adam");
        string plain = Temp(".keras");
        try
        {
            model.Save(plain);
            KerasArchive.EditConfig(plain, path, config => config["compile_config"]!["optimizer"]!["class_name"] = optimizerClass);
        }
        finally { File.Delete(plain); }
    }

    [Fact]
    public void AnUncompilableKerasFileWarnsTheLoggerWithFileAndReason()
    {
        string path = Temp(".keras");
        try
        {
            SaveWithOptimizer(path, "Muon");
            using var console = new ConsoleCapture();
            using var log = new LogCapture();
            var model = Model.Load(path);
            Assert.False(model.IsCompiled);
            var warning = Assert.Single(log.Entries);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Equal("Graft.Saving", warning.Category);
            Assert.Equal(path, warning.Values["Path"]);
            Assert.Contains("Muon", (string)warning.Values["Reason"]!);
            Assert.StartsWith($"{path}: the model loaded but was not compiled: ", warning.Message);
            Assert.Contains("Muon", warning.Message);
            Assert.Equal("", console.Error.ToString());
            Assert.Equal("", console.Out.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void SkippedWeightsAreAWarningNamingTheLayer()
    {
        var saved = new Sequential([new Dense(3, inputShape: [2], name: "a"), new Dense(1, name: "b")]);
        var other = new Sequential([new Dense(3, inputShape: [2], name: "a"), new Dense(2, name: "b")]);
        string path = Temp(".h5");
        try
        {
            saved.SaveWeights(path);
            using var console = new ConsoleCapture();
            using var log = new LogCapture();
            other.LoadWeights(path, byName: true, skipMismatch: true);
            var warning = Assert.Single(log.Entries);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Equal("b", warning.Values["Layer"]);
            Assert.Contains(path, warning.Message);
            Assert.Equal("", console.Error.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WithoutALoggerTheWarningGoesNowhere()
    {
        string path = Temp(".keras");
        try
        {
            SaveWithOptimizer(path, "Muon");
            using var console = new ConsoleCapture();
            Assert.False(Model.Load(path).IsCompiled);
            Assert.Equal("", console.Error.ToString());
            Assert.Equal("", console.Out.ToString());
        }
        finally { File.Delete(path); }
    }
}
