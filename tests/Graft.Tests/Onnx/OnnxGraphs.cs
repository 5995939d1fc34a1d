using System.Reflection;
using Google.Protobuf;
using Graft.Models;
using Tensor = Graft.Tensors.Tensor;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Graft.Tests.Onnx;

/// <summary>Builds small ONNX models in code and runs them in ONNX Runtime (the oracle) and in Graft.</summary>
internal static class OnnxGraphs
{
    /// <summary>The ImageNet ResNet18 of the Microsoft.ML.DnnImageFeaturizer.ResNet18 package, in the NuGet cache.</summary>
    public static string ResNet18Path => typeof(OnnxGraphs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ResNet18Onnx").Value!;

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = outputs[0] + "_node" };
        n.Input.AddRange(inputs); n.Output.AddRange(outputs); n.Attribute.AddRange(attributes);
        return n;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
    public static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
    public static AttributeProto Attr(string name, float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }
    public static AttributeProto Attr(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static TensorProto Floats(string name, int[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims.Select(d => (long)d)); t.FloatData.AddRange(values);
        return t;
    }

    public static TensorProto Longs(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(values.Length); t.Int64Data.AddRange(values);
        return t;
    }

    /// <summary>Random floats in [-1, 1) (or [lo, hi)), from a fixed seed.</summary>
    public static float[] Random(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (float)r.NextDouble() * (hi - lo)).ToArray();
    }

    public static TensorProto Weight(string name, int[] dims, int seed, float lo = -1f, float hi = 1f) =>
        Floats(name, dims, Random(dims.Aggregate(1, (a, d) => a * d), seed, lo, hi));

    public static ValueInfoProto Value(string name, int[]? dims = null)
    {
        var shape = new TensorShapeProto();
        if (dims is not null) shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = dims is null ? null : shape } } };
    }

    /// <summary>A one-input, one-output model ("x" → "y") of <paramref name="nodes"/>.</summary>
    public static ModelProto Model(int opset, int[] inputShape, NodeProto[] nodes, params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers);
        graph.Input.Add(Value("x", inputShape));
        graph.Output.Add(Value("y"));
        var model = new ModelProto { IrVersion = opset >= 21 ? 10 : opset >= 15 ? 8 : 7, Graph = graph, ProducerName = "graft-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>Writes <paramref name="model"/> to a temporary .onnx file and returns its path.</summary>
    public static string Save(ModelProto model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"graft-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>ONNX Runtime's output for one float input.</summary>
    public static float[] RunOnnxRuntime(byte[] model, float[] input, int[] shape)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var name = session.InputMetadata.Keys.Single();
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input, shape)) };
        using var results = session.Run(inputs);
        return results.First().AsTensor<float>().ToArray();
    }

    /// <summary>The largest difference between Graft's and ONNX Runtime's outputs, relative to the largest output (at least 1).</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1.0, expected.Max(v => Math.Abs((double)v)));
        double err = 0;
        for (int i = 0; i < expected.Length; i++) err = Math.Max(err, Math.Abs(expected[i] - (double)actual[i]));
        return err / scale;
    }

    /// <summary>Imports <paramref name="model"/> and checks Graft's output and shape against ONNX Runtime's on a random input.</summary>
    public static Model CheckAgainstOnnxRuntime(ModelProto model, int[] inputShape, int seed = 1, double tolerance = 1e-4, float lo = -1f, float hi = 1f)
    {
        var path = Save(model);
        try
        {
            var graft = Graft.Models.Model.Load(path);
            var x = Random(inputShape.Aggregate(1, (a, d) => a * d), seed, lo, hi);
            var expected = RunOnnxRuntime(model.ToByteArray(), x, inputShape);
            var actual = graft.Predict(Tensor.FromArray(x, inputShape));
            double err = RelativeError(expected, actual.ToArray());
            Assert.True(err <= tolerance, $"Graft vs ONNX Runtime: largest difference {err:g3} relative to the largest output, over {tolerance:g1}; output shape {actual.Shape}.");
            return graft;
        }
        finally { File.Delete(path); }
    }
}
