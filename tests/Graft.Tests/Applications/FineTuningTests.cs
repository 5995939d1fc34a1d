using Graft.Applications;
using Graft.Autograd;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Onnx;
using Graft.Tests.Testing;
using static Graft.Tests.Onnx.OnnxGraphs;

namespace Graft.Tests.Applications;

/// <summary>The fine-tuning recipe's model: preprocessing as layers, the cut, the head, and ONNX's channels-first input.</summary>
public class FineTuningTests
{
    [Theory]
    [InlineData("resnet50")]       // caffe: RGB to BGR, minus the means
    [InlineData("mobilenet_v2")]   // tf: [-1, 1]
    [InlineData("densenet")]       // torch: ImageNet mean and std
    [InlineData("efficientnet")]   // nothing
    public void PreprocessingLayersComputePreprocessInput(string module)
    {
        var x = Tensor.RandomUniform([2, 5, 4, 3], 0, 255, new Generator(4));
        var expected = Graft.Applications.Applications.PreprocessInput(module, x);
        var y = x;
        var layers = Graft.Applications.Applications.PreprocessingLayers(module);
        foreach (var layer in layers) y = layer.Call(y);
        Assertions.Close(expected, y, 1e-4f);
        Assert.All(layers, l => Assert.False(l.Trainable));
        Assert.Equal(module == "efficientnet" ? 0 : 1, layers.Count);
    }

    private static FineTuningBase SmallBase(string dir)
    {
        var input = Keras.Input([12, 12, 3]);
        var h = new Conv2D(4, [3, 3], activation: "relu", name: "conv").Call(input);
        h = new Flatten(name: "flat").Call(h);
        var model = new Model(input, new Dense(5, activation: "softmax", name: "old_head").Call(h));
        string path = Path.Combine(dir, "base.keras");
        model.Save(path);
        return FineTuningBase.Load(path);
    }

    [Fact]
    public void BuildCutsBelowTheHeadFreezesAndAddsASoftmaxForSeveralClasses()
    {
        string dir = Directory.CreateTempSubdirectory("graft-ft").FullName;
        try
        {
            var b = SmallBase(dir);
            Assert.Equal((12, 12), b.ImageSize);
            Assert.Equal("rgb", b.ColorMode);
            var (model, cut) = FineTuning.Build(b, 3, new FineTuningOptions { Seed = 1 });
            Assert.DoesNotContain(cut.Layers, l => l.Name == "old_head");
            Assert.False(cut.Trainable);
            var head = Assert.IsType<Dense>(model.Layers[^1]);
            Assert.Equal((3, "softmax"), (head.Units, head.Activation.Name));
            Assert.Equal(2, model.TrainableWeights.Count);   // the new head only
            Assert.DoesNotContain(model.Layers, l => l is GlobalAveragePooling2D);   // the cut output is already flat

            // Cut at the convolution: 4-D, so global average pooling (Keras's guide); augmentation in front.
            var (pooled, _) = FineTuning.Build(b, 2, new FineTuningOptions { Cut = "conv", Augment = true, Seed = 1 });
            Assert.Equal(["InputLayer", "RandomFlip", "RandomRotation", "Functional", "GlobalAveragePooling2D", "Dense"], pooled.Layers.Select(l => l.ClassName));
            Assert.Equal(1, ((Dense)pooled.Layers[^1]).Units);

            var ex = Assert.Throws<ArgumentException>(() => FineTuning.Build(b, 1));
            Assert.Contains("expected at least 2 classes, got 1", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>An identity layer that counts its forward passes.</summary>
    private sealed class Counting() : Graft.Layers.Layer(null)
    {
        public int Calls;

        protected override Tensor Forward(Tensor inputs, bool training) { Interlocked.Increment(ref Calls); return inputs; }
    }

    [Fact]
    public void TheFrozenPhaseComputesTheFrozenBaseOnceAndFineTuningRunsItEveryStep()
    {
        var counter = new Counting();
        var input = Keras.Input([6, 6, 1]);
        var h = new Conv2D(4, [3, 3], activation: "relu", name: "conv").Call(input);
        h = new Flatten().Call(counter.Call(h));
        var model = new Model(input, new Dense(3, activation: "softmax", name: "old_head").Call(h));
        var b = FineTuningBase.FromModel(model);
        Assert.Equal(("grayscale", (6, 6)), (b.ColorMode, b.ImageSize));

        var g = new Generator(8);
        var x = Tensor.RandomUniform([48, 6, 6, 1], 0, 255, g);
        var y = Tensor.FromArray(Enumerable.Range(0, 48).Select(i => (float)(i % 2)).ToArray(), 48, 1);
        var train = Graft.Datasets.Dataset.FromTensorSlices(x[..40], y[..40]).Batch(8);
        var val = Graft.Datasets.Dataset.FromTensorSlices(x[40..], y[40..]).Batch(8);
        int frozenCalls = 0;
        var probe = new Graft.Training.Callbacks.LambdaCallback(onTrainEnd: _ => frozenCalls = frozenCalls == 0 ? counter.Calls : frozenCalls);
        var result = FineTuning.Run(b, train, val, ["even", "odd"], new FineTuningOptions { EpochsFrozen = 4, Epochs = 1, Seed = 2 }, [probe]);
        // 4 frozen epochs of 5 training and 1 validation batch would run the base 24 times; cached, it runs once over the data.
        Assert.InRange(frozenCalls, 1, 8);
        // Fine-tuning trains the base: it runs at every step again.
        Assert.True(counter.Calls - frozenCalls >= 6, $"{counter.Calls - frozenCalls} passes while fine-tuning");
        Assert.Equal(4, result.Frozen.Epoch.Count);
        Assert.Single(result.FineTuned.Epoch);
        Assert.Equal(result.FineTuned["val_loss"][^1], result.FineTunedValidation["loss"]);
    }

    [Fact]
    public void AGrayscaleBaseWithoutAChannelAxisGetsAReshape()
    {
        // Géron's Fashion-MNIST models take (batch, 28, 28); the image dataset yields (batch, 28, 28, 1).
        string dir = Directory.CreateTempSubdirectory("graft-ft").FullName;
        try
        {
            var dense = new Sequential([new Flatten(inputShape: [6, 5]), new Dense(4, activation: "selu"), new Dense(3, activation: "softmax")]);
            string path = Path.Combine(dir, "a.h5");
            dense.Save(path);
            var b = FineTuningBase.Load(path);
            Assert.True(b.WithoutChannelAxis);
            Assert.Equal(("grayscale", (6, 5)), (b.ColorMode, b.ImageSize));
            var (model, cut) = FineTuning.Build(b, 2);
            var features = new Model(model.Inputs, [((Graft.Layers.Layer)model.Layers.OfType<Sequential>().Single()).Output]);
            var x = Tensor.RandomUniform([2, 6, 5, 1], 0, 1, new Generator(2));
            Assertions.Close(cut.Predict(Ops.Reshape(x, 2, 6, 5)), features.Predict(x));
            var ex = Assert.Throws<ArgumentException>(() => FineTuningBase.Load(path, colorMode: "rgb"));
            Assert.Contains("expected colorMode \"grayscale\" for an input of shape (None, 6, 5) (no channel axis), got \"rgb\"", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void AnOnnxBaseTakesChannelsFirstImagesThroughAPermute()
    {
        // x (1, 3, 8, 8) NCHW → Conv 3x3 → Relu → Conv 1x1 → y (1, 2, 8, 8), as a PyTorch export would be.
        string path = Save(Model(13, [1, 3, 8, 8],
            [Node("Conv", ["x", "w1", "b1"], ["c1"], Attr("pads", 1L, 1, 1, 1)), Node("Relu", ["c1"], ["r1"]), Node("Conv", ["r1", "w2"], ["y"])],
            Weight("w1", [4, 3, 3, 3], 2), Weight("b1", [4], 3), Weight("w2", [2, 4, 1, 1], 4)));
        try
        {
            var b = FineTuningBase.Load(path);
            Assert.True(b.ChannelsFirst);
            Assert.Equal((8, 8), b.ImageSize);
            Assert.Equal(3, b.Channels);

            // The whole imported model (its last layer returns to NCHW): the features are the mean of each channel of y.
            var (model, _) = FineTuning.Build(b, 2, new FineTuningOptions { Cut = b.Model.Layers[^1].Name });
            Assert.Contains(model.Layers, l => l is Permute);
            var features = new Model(model.Inputs, [model.Layers.OfType<GlobalAveragePooling2D>().Single().Output]);
            var nhwc = Tensor.RandomUniform([1, 8, 8, 3], 0, 1, new Generator(5));
            var y = b.Model.Predict(Ops.Permute(nhwc, [0, 3, 1, 2]));   // (1, 2, 8, 8)
            Assertions.Close(Ops.Mean(y, [2, 3]), features.Predict(nhwc), 1e-5f);

            // The default cut stops below the conversion back to NCHW: channels-last features, the same means.
            var (defaultCut, _) = FineTuning.Build(b, 2);
            var defaultFeatures = new Model(defaultCut.Inputs, [defaultCut.Layers.OfType<GlobalAveragePooling2D>().Single().Output]);
            Assertions.Close(Ops.Mean(y, [2, 3]), defaultFeatures.Predict(nhwc), 1e-5f);
        }
        finally { File.Delete(path); }
    }
}
