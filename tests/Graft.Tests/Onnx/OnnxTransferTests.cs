using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;
using Graft.Optimizers;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Onnx;

/// <summary>An imported ONNX model is an ordinary functional model: cut, frozen, extended, fine-tuned, saved as Keras files.</summary>
public class OnnxTransferTests
{
    [Fact]
    public void ResNet18ImportsAsKerasLayersWithKerasTrainability()
    {
        var model = Model.Load(OnnxGraphs.ResNet18Path);
        Assert.Equal(22, model.Layers.OfType<Conv2D>().Count());
        Assert.Equal(22, model.Layers.OfType<BatchNormalization>().Count());
        Assert.Equal("Convolution249", model.Layers.OfType<Conv2D>().First().Name);   // the ONNX node's name
        // Channels-last inside: one transpose after the input, none between layers.
        Assert.Single(model.Layers.OfType<Graft.Layers.Reshaping.Permute>());
        Assert.Equal([null, 3, 224, 224], model.Input.Shape);
        Assert.Equal([null, 512, 1, 1], model.Output.Shape);
        // Trainable as in Keras: 22 kernels (the CNTK export has no conv biases), BN's gamma and beta; the moving statistics are not.
        Assert.Equal(22 + 2 * 22, model.TrainableWeights.Count);
        Assert.Equal(2 * 22, model.NonTrainableWeights.Count);
        Assert.All(model.NonTrainableWeights, w => Assert.StartsWith("moving_", w.Name));
        // Every initializer of the file becomes exactly one weight.
        var onnx = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(OnnxGraphs.ResNet18Path));
        Assert.Equal(onnx.Graph.Initializer.Count, model.Weights.Count);
        Assert.Equal(onnx.Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d)), model.CountParams());
    }

    [Fact]
    public void ImportedLayersWriteKerasDefaultInitializersAndCloneFresh()
    {
        var model = Model.Load(OnnxGraphs.ResNet18Path);
        var conv = (Conv2D)model.GetLayer("Convolution249");
        Assert.Equal("GlorotUniform", conv.GetConfig()["kernel_initializer"]!["class_name"]!.GetValue<string>());
        // As Keras's clone_model: the same architecture with fresh weights.
        var clone = model.Clone();
        Assert.NotEqual(conv.Kernel!.Value.ToArray(), ((Conv2D)clone.GetLayer("Convolution249")).Kernel!.Value.ToArray());
    }

    [Fact]
    public void CutFreezeAddHeadFitSaveReload()
    {
        var imported = Model.Load(OnnxGraphs.ResNet18Path);
        var features = imported.GetLayer("ReLU393").Output;   // the last block, channels-last inside: (None, 7, 7, 512)
        Assert.Equal([null, 7, 7, 512], features.Shape);
        var pooled = new GlobalAveragePooling2D(name: "pool").Call(features);
        var head = new Dense(3, activation: "softmax", name: "head");
        var model = new Model(imported.Input, head.Call(pooled));
        foreach (var layer in imported.Layers) layer.Trainable = false;
        model.Compile("sparse_categorical_crossentropy", new Adam());
        Assert.Equal(2, model.TrainableWeights.Count);

        var g = new Generator(5);
        var x = Tensor.RandomUniform([4, 3, 224, 224], -1f, 1f, g);
        var y = Tensor.FromArray([0f, 1f, 2f, 1f], 4, 1);
        var frozenKernel = ((Conv2D)imported.GetLayer("Convolution249")).Kernel!.Value.ToArray();
        var headBefore = head.GetWeights()[0].ToArray();
        model.Fit(x, y, epochs: 2, batchSize: 2, verbose: 0);
        Assert.NotEqual(headBefore, head.GetWeights()[0].ToArray());
        Assert.Equal(frozenKernel, ((Conv2D)imported.GetLayer("Convolution249")).Kernel!.Value.ToArray());

        string dir = Directory.CreateTempSubdirectory("graft-onnx").FullName;
        try
        {
            var sample = x[0..2];
            var expected = model.Predict(sample).ToArray();
            foreach (var file in new[] { "tuned.keras", "tuned.h5" })
            {
                string path = Path.Combine(dir, file);
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(expected, loaded.Predict(sample).ToArray());
                Assert.False(loaded.GetLayer("Convolution249").Trainable);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void LayersWithoutAKerasCounterpartSaveAndReload()
    {
        int[] input = [1, 3, 6, 6];
        var nodes = new[]
        {
            OnnxGraphs.Node("Sub", ["c", "x"], ["a"]),
            OnnxGraphs.Node("Erf", ["a"], ["b"]),
            OnnxGraphs.Node("Sigmoid", ["x"], ["s"]),
            OnnxGraphs.Node("Div", ["b", "s"], ["d"]),
            OnnxGraphs.Node("LRN", ["d"], ["l"], OnnxGraphs.Attr("size", 3L)),
            OnnxGraphs.Node("Pad", ["l", "pads", "v"], ["p"]),
            OnnxGraphs.Node("AveragePool", ["p"], ["ap"], OnnxGraphs.Attr("kernel_shape", 3L, 3), OnnxGraphs.Attr("strides", 2L, 2), OnnxGraphs.Attr("pads", 1L, 1, 0, 0)),
            OnnxGraphs.Node("Resize", ["ap", "", "scales"], ["r"], OnnxGraphs.Attr("mode", "linear")),
            OnnxGraphs.Node("Slice", ["r", "st", "en", "ax"], ["sl"]),
            OnnxGraphs.Node("ReduceSum", ["sl", "rax"], ["rs"]),
            OnnxGraphs.Node("Gather", ["rs", "idx"], ["y"], OnnxGraphs.Attr("axis", 1L)),
        };
        var onnx = OnnxGraphs.Model(13, input, nodes, OnnxGraphs.Weight("c", [1, 3, 6, 6], 3), OnnxGraphs.Longs("pads", 0, 0, 1, 2, 0, 0, 2, 1),
            OnnxGraphs.Floats("v", [], [0.5f]), OnnxGraphs.Floats("scales", [4], [1f, 1f, 2f, 2f]), OnnxGraphs.Longs("st", 1), OnnxGraphs.Longs("en", 5),
            OnnxGraphs.Longs("ax", 2), OnnxGraphs.Longs("rax", 3), OnnxGraphs.Longs("idx", 2, 0));
        var model = OnnxGraphs.CheckAgainstOnnxRuntime(onnx, input);
        var kinds = model.Layers.Select(l => l.ClassName).ToHashSet();
        foreach (var kind in new[] { "OnnxConstantOp", "OnnxUnaryOp", "OnnxBinaryOp", "OnnxLrn", "OnnxPad", "OnnxAveragePool", "OnnxResize", "OnnxSlice", "OnnxReduce", "OnnxGather" })
            Assert.Contains(kind, kinds);

        // Each layer's config survives the registry round trip, and the model clones.
        foreach (var layer in model.Layers)
        {
            var config = layer.GetConfig();
            var copy = LayerRegistry.FromConfig(layer.ClassName, (System.Text.Json.Nodes.JsonObject)config.DeepClone());
            Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        }
        Assert.Equal(model.ToJson(), model.Clone().ToJson());

        var x = Tensor.FromArray(OnnxGraphs.Random(108, 9), input);
        var expected = model.Predict(x).ToArray();
        string dir = Directory.CreateTempSubdirectory("graft-onnx").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                string path = Path.Combine(dir, file);
                model.Save(path);
                Assert.Equal(expected, Model.Load(path).Predict(x).ToArray());
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
