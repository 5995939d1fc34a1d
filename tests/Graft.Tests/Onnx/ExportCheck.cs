using Graft.Layers.Core;
using Graft.Models;
using Graft.Onnx;
using Graft.Tensors;
using Microsoft.ML.OnnxRuntime;
using Tensor = Graft.Tensors.Tensor;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace Graft.Tests.Onnx;

/// <summary>Runs a model's ONNX export in ONNX Runtime (the oracle) and compares it with Graft's own prediction.</summary>
internal static class ExportCheck
{
    /// <summary>The acceptance tolerance: 1e-4 of the largest output magnitude.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>
    /// Exports <paramref name="model"/>, runs it in ONNX Runtime on <paramref name="inputs"/> and
    /// asserts every output matches Graft's prediction within <see cref="RelativeTolerance"/> of that
    /// output's largest magnitude. Returns the largest relative difference seen.
    /// </summary>
    /// <param name="onnx">The exported file's bytes, when exported elsewhere (the command line); by default exported here.</param>
    public static double AssertMatches(Model model, IReadOnlyList<Tensor> inputs, string subject, byte[]? onnx = null)
    {
        var expected = model.Call(inputs, training: false).ToArray();
        var bytes = onnx ?? OnnxExporter.ToBytes(model);
        using var session = new InferenceSession(bytes);
        Assert.Equal(model.InputNames, session.InputNames);
        Assert.Equal(model.OutputNames, session.OutputNames);
        foreach (var meta in session.InputMetadata.Values)
            Assert.True(meta.Dimensions[0] == -1, $"{subject}: expected a dynamic batch axis, got {meta.Dimensions[0]}.");
        var feeds = inputs.Select((x, i) => NamedOnnxValue.CreateFromTensor(model.InputNames[i], new DenseTensor(x.ToArray(), x.Shape.ToArray()))).ToList();
        using var results = session.Run(feeds);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            var result = results.Single(r => r.Name == model.OutputNames[i]).AsTensor<float>();
            Assert.Equal(expected[i].Shape.ToArray(), result.Dimensions.ToArray());
            var want = expected[i].ToArray();
            var got = result.ToArray();
            double scale = Math.Max(want.Max(v => Math.Abs((double)v)), 1e-30);
            int at = 0;
            double diff = 0;
            for (int k = 0; k < want.Length; k++)
            {
                double d = Math.Abs((double)want[k] - got[k]);
                if (!(d <= diff)) { diff = d; at = k; }
            }
            Assert.True(diff <= RelativeTolerance * scale,
                $"{subject}, output '{model.OutputNames[i]}': expected ONNX Runtime within {RelativeTolerance} of the largest output {scale:G4}, got {diff:G4} at element {at} (Graft {want[at]}, ONNX Runtime {got[at]}).");
            worst = Math.Max(worst, diff / scale);
        }
        return worst;
    }

    /// <summary>
    /// Inputs for a model: batch 3, unknown sizes 16, normal values; ids in range for an input that
    /// feeds an Embedding directly.
    /// </summary>
    public static Tensor[] Inputs(Model model, int seed)
    {
        var shapes = model.Graph is { } g ? g.Inputs.Select(i => i.Shape).ToArray() : [model.InputShape!];
        var generator = new Generator(seed);
        var result = new Tensor[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            int[] shape = [3, .. shapes[i].Skip(1).Select(d => d ?? 16)];
            int size = shape.Aggregate(1, (a, b) => a * b);
            result[i] = IdsFor(model, i) is int vocabulary
                ? Tensor.FromArray(Enumerable.Range(0, size).Select(_ => (float)generator.NextInt(vocabulary)).ToArray(), shape)
                : Tensor.FromArray(Enumerable.Range(0, size).Select(_ => generator.NextNormal()).ToArray(), shape);
        }
        return result;
    }

    private static int? IdsFor(Model model, int input)
    {
        if (model.Graph is not { } g) return model.Layers.Count > 0 && model.Layers[0] is Embedding e ? e.InputDim : null;
        var node = g.Nodes.FirstOrDefault(n => n.Layer is Embedding && ReferenceEquals(n.Inputs[0], g.Inputs[input]));
        return (node?.Layer as Embedding)?.InputDim;
    }
}
