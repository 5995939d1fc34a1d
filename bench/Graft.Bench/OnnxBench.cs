using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Generator = Graft.Tensors.Generator;
using Tensor = Graft.Tensors.Tensor;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Graft.Bench;

/// <summary>
/// The ImageNet ResNet18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (ONNX, opset 8): Graft's import
/// (parse, fold, build the functional model, convert the weights) beside ONNX Runtime creating a session
/// for the same file, and one image's inference in both and in the same network built from Graft's layers.
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
        // The same network written with Graft's layers as Keras's ResNet is (channels-last input, "same" padding).
        var built = BuiltResNet();
        var xNhwc = Tensor.RandomUniform([1, 224, 224, 3], -1f, 1f, new Generator(1));
        built.Predict(xNhwc);
        double builtMs = Median(reps, () => built.Predict(xNhwc));
        report.Add("onnx_import_resnet18", importMs, sessionMs, "ms (lower is better; ratio = graft time / onnxruntime time)", "onnxruntime InferenceSession creation",
            new JsonObject { ["layers"] = model.Layers.Count, ["params"] = model.CountParams() });
        report.Add("onnx_infer_resnet18", graftInferMs, ortInferMs, "ms per 1x3x224x224 image (lower is better)", "onnxruntime Run",
            new JsonObject { ["built_from_graft_layers_ms"] = Math.Round(builtMs, 2), ["imported_vs_built"] = Math.Round(graftInferMs / builtMs, 3) });
    }

    /// <summary>The imported network's architecture (CNTK's ResNet18: stages of 2, 2, 2 and 3 basic blocks) from Graft's layers.</summary>
    private static Model BuiltResNet()
    {
        var input = Keras.Input([224, 224, 3]);
        var x = new ZeroPadding2D(3).Call(input);
        x = new Conv2D(64, [7, 7], [2, 2], useBias: false).Call(x);
        x = new ReLU().Call(new BatchNormalization().Call(x));
        x = new MaxPooling2D([3, 3], [2, 2]).Call(new ZeroPadding2D(1).Call(x));
        int[] widths = [64, 128, 256, 512], blocks = [2, 2, 2, 3];
        for (int stage = 0; stage < 4; stage++)
            for (int b = 0; b < blocks[stage]; b++)
            {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                var shortcut = x;
                if (stride == 2)
                    shortcut = new BatchNormalization().Call(new Conv2D(widths[stage], [1, 1], [2, 2], useBias: false).Call(x));
                var y = new ReLU().Call(new BatchNormalization().Call(new Conv2D(widths[stage], [3, 3], [stride, stride], "same", useBias: false).Call(x)));
                y = new BatchNormalization().Call(new Conv2D(widths[stage], [3, 3], padding: "same", useBias: false).Call(y));
                x = new ReLU().Call(new Add().Call([y, shortcut]));
            }
        return new Model(input, new AveragePooling2D([7, 7]).Call(x));
    }

    private static double Median(int reps, Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < reps; i++) { var sw = Stopwatch.StartNew(); action(); times.Add(sw.Elapsed.TotalMilliseconds); }
        times.Sort();
        return times[times.Count / 2];
    }
}
