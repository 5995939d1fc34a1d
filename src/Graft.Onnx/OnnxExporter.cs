using Google.Protobuf;
using Graft.Models;
using Graft.Onnx.Export;
using Onnx;

namespace Graft.Onnx;

/// <summary>
/// Writes a Graft model as an ONNX file for serving (ONNX Runtime, and the runtimes that read
/// ONNX): Sequential and functional models, nested models, every Graft layer, in inference form.
/// </summary>
/// <remarks>
/// <para>The file uses ONNX opset <see cref="Opset"/> (IR version 8), which ONNX Runtime 1.31 runs.</para>
/// <para>Inputs and outputs keep the model's names (<see cref="Model.InputNames"/>,
/// <see cref="Model.OutputNames"/>), the batch axis is dynamic (<c>batch</c>), and the layout is
/// Graft's own, channels last: the exported model takes exactly the arrays <c>model.Predict</c>
/// takes, and Embedding ids as floats. Dropout and noise layers vanish, BatchNormalization folds
/// its moving statistics into a scale and an offset, recurrent layers become ONNX's LSTM, GRU and
/// RNN (a Scan over Graft's step when a mask or an activation those operators lack is involved).</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the exporter writes.</summary>
    public const int Opset = 17;

    /// <summary>
    /// Saves <paramref name="model"/> as ONNX to <paramref name="path"/>. The file is written beside
    /// the target and renamed into place, so a failed save never damages a previous file.
    /// </summary>
    /// <param name="model">A built model (weights created).</param>
    /// <param name="path">The target file, usually ending in <c>.onnx</c>.</param>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    /// <exception cref="NotSupportedException">A layer cannot be exported; the message names it.</exception>
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Built completely before the file is touched: an unsupported layer leaves no trace.
        var bytes = ToBytes(model);
        Graft.Saving.AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The ONNX file's bytes for <paramref name="model"/> (see <see cref="Save"/>).</summary>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    /// <exception cref="NotSupportedException">A layer cannot be exported; the message names it.</exception>
    public static byte[] ToBytes(Model model) => Export(model).ToByteArray();

    internal static ModelProto Export(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Built || model.InputShape is null)
            throw new InvalidOperationException($"ONNX export of {model.ClassName} '{model.Name}': expected a built model (weights created), got an unbuilt one. Give the first layer an input shape, or call Build or Predict once.");
        var graph = new OnnxGraph(model.Name);
        var inputNames = model.InputNames;
        var outputNames = model.OutputNames;
        foreach (var name in inputNames.Concat(outputNames).Distinct()) graph.Reserve(name);

        var inputShapes = model.Graph is { } g ? g.Inputs.Select(i => i.Shape).ToArray() : [model.InputShape];
        var inputs = new List<Value>();
        for (int i = 0; i < inputNames.Count; i++)
        {
            graph.Proto.Input.Add(OnnxGraph.FloatInfo(inputNames[i], inputShapes[i], "batch"));
            inputs.Add(new Value(inputNames[i], inputShapes[i]));
        }
        var outputs = new LayerEmitter(graph).EmitModel(model, inputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            // An output that is a model input as it is (a bare InputLayer) needs no node.
            if (outputs[i].Name != outputNames[i])
                graph.Proto.Node.Add(new NodeProto { OpType = "Identity", Name = $"{outputNames[i]}/output", Input = { outputs[i].Name }, Output = { outputNames[i] } });
            graph.Proto.Output.Add(OnnxGraph.FloatInfo(outputNames[i], outputs[i].Shape, "batch"));
        }
        return new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Graft",
            ProducerVersion = typeof(Model).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Proto,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
    }
}
