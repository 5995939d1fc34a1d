using Graft.Layers;
using Graft.Layers.Core;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Onnx;
using Graft.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Graft.Tests.Onnx;

/// <summary>OnnxExporter's file handling and its errors.</summary>
public class OnnxExporterTests
{
    /// <summary>A layer ONNX export does not know: a user's own class.</summary>
    private sealed class Doubling(string name) : Layer(name)
    {
        protected override Tensor Forward(Tensor inputs, bool training) => inputs * 2f;
    }

    private static Sequential SmallModel() => new([new InputLayer([4]), new Dense(3, activation: "relu"), new Dense(2)]);

    [Fact]
    public void SaveWritesAFileOnnxRuntimeLoads()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var model = SmallModel();
            string path = Path.Combine(dir.FullName, "model.onnx");
            OnnxExporter.Save(model, path);
            using var session = new InferenceSession(path);
            Assert.Equal(model.InputNames, session.InputNames);
            Assert.Equal([-1, 4], session.InputMetadata[model.InputNames[0]].Dimensions);
            Assert.Equal([-1, 2], session.OutputMetadata[model.OutputNames[0]].Dimensions);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousFileWhole()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            string path = Path.Combine(dir.FullName, "model.onnx");
            OnnxExporter.Save(SmallModel(), path);
            var before = File.ReadAllBytes(path);
            var broken = new Sequential([new InputLayer([4]), new Dense(3), new Doubling("twice")]);
            Assert.Throws<NotSupportedException>(() => OnnxExporter.Save(broken, path));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(["model.onnx"], dir.GetFiles().Select(f => f.Name));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void AnUnknownLayerIsNamed()
    {
        var model = new Sequential([new InputLayer([4]), new Doubling("twice")]);
        var ex = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("'twice'", ex.Message);
        Assert.Contains("cannot be exported to ONNX", ex.Message);
    }

    [Fact]
    public void AnUnbuiltModelIsAnError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OnnxExporter.ToBytes(new Sequential([new Dense(3)], name: "unbuilt")));
        Assert.Contains("'unbuilt'", ex.Message);
        Assert.Contains("expected a built model", ex.Message);
    }

    [Fact]
    public void ACallPinnedToTrainingIsNotSilentlyExportedAsInference()
    {
        var x = Keras.Input([4], "features");
        var y = new Dropout(0.5f, name: "always_on").Call(new Dense(3).Call(x), training: true);
        var ex = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new Model(x, y)));
        Assert.Contains("Dropout 'always_on'", ex.Message);
        Assert.Contains("training=True", ex.Message);
    }

    [Fact]
    public void DropoutAtInferenceIsTheIdentity()
    {
        var x = Keras.Input([4], "features");
        var model = new Model(x, new Dropout(0.5f).Call(new Dense(3).Call(x)));
        ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 1), "Dropout");
    }

    [Fact]
    public void ModelSaveWritesOnnxByExtension()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var model = SmallModel();
            string path = Path.Combine(dir.FullName, "model.onnx");
            model.Save(path);
            ExportCheck.AssertMatches(model, ExportCheck.Inputs(model, 18), path, File.ReadAllBytes(path));
        }
        finally { dir.Delete(recursive: true); }
    }
}
