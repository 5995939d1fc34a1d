using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Graft.Models;
using Generator = Graft.Tensors.Generator;
using Tensor = Graft.Tensors.Tensor;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Graft.Bench;

/// <summary>
/// The ImageNet ResNet18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (ONNX, opset 8): Graft's import
/// (parse, fold, build the functional model, convert the weights) beside ONNX Runtime creating a session
/// for the same file, and one image's inference in both.
/// </summary>
internal static class OnnxBench
{
    private static string ModelPath => typeof(OnnxBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18Onnx").Value!;

    public static void Run(Report report, BenchOptions options)
    {
        string path = ModelPath;
        if (!File.Exists(path)) { Console.Error.WriteLine($"onnx bench skipped: {path} not found (restore the bench project)."); return; }
        int reps = options.Quick ? 3 : 10;
        var model = Model.Load(path);
        var importMs = Median(reps, () => Model.Load(path));

        double? sessionMs = null, ortInferMs = null;
        var x = Tensor.RandomUniform([1, 3, 224, 224], -1f, 1f, new Generator(1));
        if (!options.NoPeer)
        {
            using var opts = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
            sessionMs = Median(reps, () => new InferenceSession(path, opts).Dispose());
            using var session = new InferenceSession(path, opts);
            var input = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<float>(x.ToArray(), new[] { 1, 3, 224, 224 })) };
            session.Run(input).Dispose();
            ortInferMs = Median(reps, () => session.Run(input).Dispose());
        }
        model.Predict(x);
        double graftInferMs = Median(reps, () => model.Predict(x));
        report.Add("onnx_import_resnet18", importMs, sessionMs, "ms (lower is better; ratio = graft time / onnxruntime time)", "onnxruntime InferenceSession creation",
            new JsonObject { ["layers"] = model.Layers.Count, ["params"] = model.CountParams() });
        report.Add("onnx_infer_resnet18", graftInferMs, ortInferMs, "ms per 1x3x224x224 image (lower is better)", "onnxruntime Run");
    }

    private static double Median(int reps, Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < reps; i++) { var sw = Stopwatch.StartNew(); action(); times.Add(sw.Elapsed.TotalMilliseconds); }
        times.Sort();
        return times[times.Count / 2];
    }
}
