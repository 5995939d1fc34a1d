using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Models;

/// <summary>
/// Inference runs a convolution (or Dense) with its BatchNormalization and activation as one
/// convolution, and a residual Add with its relu as one pass, only where no one can tell but by
/// rounding: the results agree with the layers run one by one, the fold follows every change of the
/// weights, and it stays away from training-mode normalization, recorded gradients and
/// intermediate tensors that something else reads.
/// </summary>
public class InferenceFusionTests
{
    /// <summary>A small ResNet: a stem, an identity block, a projection block, a depthwise stage and a Dense head, all with BatchNormalization.</summary>
    private static Model ResNetLike()
    {
        var input = Keras.Input([10, 10, 3], name: "image");
        var x = new Conv2D(8, 3, padding: "same", useBias: false, name: "stem_conv").Call(input);
        x = new BatchNormalization(epsilon: 1.001e-5, name: "stem_bn").Call(x);
        x = new Activation("relu", name: "stem_relu").Call(x);
        var y = new Conv2D(8, 3, padding: "same", name: "b1_conv1").Call(x);
        y = new BatchNormalization(name: "b1_bn1").Call(y);
        y = new ReLU(name: "b1_relu1").Call(y);
        y = new Conv2D(8, 3, padding: "same", name: "b1_conv2").Call(y);
        y = new BatchNormalization(name: "b1_bn2").Call(y);
        x = new Add(name: "b1_add").Call([x, y]);
        x = new Activation("relu", name: "b1_out").Call(x);
        var s = new Conv2D(16, 1, strides: 2, name: "b2_proj").Call(x);
        s = new BatchNormalization(name: "b2_proj_bn").Call(s);
        y = new Conv2D(16, 3, strides: 2, padding: "same", name: "b2_conv1").Call(x);
        y = new BatchNormalization(name: "b2_bn1").Call(y);
        y = new Activation("relu", name: "b2_relu1").Call(y);
        y = new Conv2D(16, 3, padding: "same", name: "b2_conv2").Call(y);
        y = new BatchNormalization(name: "b2_bn2").Call(y);
        x = new Add(name: "b2_add").Call([s, y]);
        x = new Activation("relu", name: "b2_out").Call(x);
        x = new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, name: "dw").Call(x);
        x = new BatchNormalization(name: "dw_bn").Call(x);
        x = new Activation("selu", name: "dw_selu").Call(x);
        x = new GlobalAveragePooling2D(name: "pool").Call(x);
        x = new Dense(12, name: "fc").Call(x);
        x = new BatchNormalization(name: "fc_bn").Call(x);
        x = new Activation("relu", name: "fc_relu").Call(x);
        var output = new Dense(4, name: "logits").Call(x);
        var model = new Model(input, output, "resnet_like");
        RandomizeNormalization(model, seed: 3);
        return model;
    }

    private static Sequential SequentialCnn()
    {
        var model = new Sequential([
            new InputLayer([9, 9, 2]),
            new Conv2D(6, 3, padding: "same", name: "c1"), new BatchNormalization(name: "bn1"), new ReLU(name: "r1"),
            new Conv2D(5, 3, strides: 2, name: "c2"), new BatchNormalization(center: false, name: "bn2"), new Activation("relu", name: "r2"),
            new DepthwiseConv2D(2, depthMultiplier: 3, name: "dw"), new BatchNormalization(scale: false, name: "bn3"),
            new Flatten(name: "flat"),
            new Dense(7, useBias: false, name: "fc"), new BatchNormalization(name: "bn4"), new Activation("selu", name: "s4"),
            new Dense(3, activation: "softmax", name: "out"),
        ], name: "cnn");
        RandomizeNormalization(model, seed: 4);
        return model;
    }

    /// <summary>Statistics and scales away from 0 and 1, so that a fold that skipped a term would show.</summary>
    private static void RandomizeNormalization(Model model, int seed)
    {
        var random = new Random(seed);
        Tensor Values(int n, double low, double high) => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray());
        foreach (var bn in model.Layers.OfType<BatchNormalization>())
        {
            int c = bn.MovingMean!.Shape[0];
            var weights = new List<Tensor>();
            if (bn.Scale) weights.Add(Values(c, 0.5, 1.5));
            if (bn.Center) weights.Add(Values(c, -0.3, 0.3));
            weights.Add(Values(c, -0.4, 0.4));
            weights.Add(Values(c, 0.3, 2.0));
            bn.SetWeights(weights);
        }
    }

    private static Tensor Images(int[] shape, int seed) => Tensor.RandomNormal(shape, generator: new Generator(seed));

    /// <summary>The model run without fusion: an input that records gradients makes every layer run on its own.</summary>
    private static float[] Unfused(Model model, Tensor x)
    {
        var input = x.Clone();
        input.RequiresGrad = true;
        return model.Call(input, training: false).ToArray();
    }

    /// <summary>The layers called one by one in inference mode without gradients (a layer's own call never fuses).</summary>
    private static float[] LayerByLayer(IEnumerable<Layer> layers, Tensor x, bool training = false)
    {
        using var noGrad = GradMode.NoGrad();
        foreach (var layer in layers) x = layer.Call(x, training);
        return x.ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double relative = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs((double)v)), worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (d > worst) (worst, at) = (d, i);
        }
        Assert.True(worst <= relative * scale,
            $"expected agreement within {relative} of the largest value {scale:G4}, got |diff| {worst:G4} at {at} ({(at < 0 ? 0 : expected[at]):R} vs {(at < 0 ? 0 : actual[at]):R}).");
    }

    private static BatchNormalization[] Norms(Model model) => model.Layers.OfType<BatchNormalization>().ToArray();

    [Fact]
    public void ResNetLikeFunctionalModelFusesEveryChainAndAgreesWithTheLayers()
    {
        using var context = new GraftContext(seed: 11).Use();
        var model = ResNetLike();
        var x = Images([3, 10, 10, 3], seed: 1);
        var unfused = Unfused(model, x);
        Assert.All(Norms(model), bn => Assert.Null(FoldedWeights.Cached(bn)));

        var fused = model.Predict(x, verbose: 0);
        AssertClose(unfused, fused.ToArray());
        // Every normalization was folded into the layer before it.
        Assert.All(Norms(model), bn => Assert.NotNull(FoldedWeights.Cached(bn)));

        var plan = model.Graph!.Fusion;
        var steps = Enumerable.Range(0, model.Graph.Nodes.Count).Select(plan.At).OfType<FusionPlan.Step>().ToList();
        Assert.Equal(8, steps.Count(s => s.Chain is not null));
        Assert.Equal(2, steps.Count(s => s.Residual is not null));
        // With their activations: stem, b1_conv1, b2_conv1, dw, fc; the rest end at an Add.
        Assert.Equal(5, steps.Count(s => s.Chain?.Length == 3));
    }

    [Fact]
    public void SequentialCnnFusesConvolutionDepthwiseAndDenseChains()
    {
        using var context = new GraftContext(seed: 12).Use();
        var model = SequentialCnn();
        var x = Images([4, 9, 9, 2], seed: 2);
        var reference = LayerByLayer(model.Layers, x);
        var fused = model.Predict(x, verbose: 0);
        AssertClose(reference, fused.ToArray());
        Assert.All(Norms(model), bn => Assert.NotNull(FoldedWeights.Cached(bn)));
        var chains = FusionPlan.ForStack(model.Layers).OfType<FusedChain>().ToList();
        Assert.Equal(["c1", "c2", "dw", "fc"], chains.Select(c => c.Producer.Name));
        Assert.Equal([3, 3, 2, 3], chains.Select(c => c.Length));
    }

    [Fact]
    public void ConvolutionOutputReadTwiceIsNotFolded()
    {
        var input = Keras.Input([6, 6, 2]);
        var conv = new Conv2D(4, 3, padding: "same");
        var bn = new BatchNormalization();
        var relu = new Activation("relu");
        var c = conv.Call(input);
        var a = relu.Call(bn.Call(c));
        var model = new Model(input, new Add().Call([a, c]));
        RandomizeNormalization(model, seed: 5);
        var x = Images([2, 6, 6, 2], seed: 3);

        var y = model.Predict(x, verbose: 0).ToArray();
        Assert.Null(FoldedWeights.Cached(bn));
        using (GradMode.NoGrad())
        {
            var cx = conv.Call(x);
            var expected = Ops.Add(relu.Call(bn.Call(cx)), cx).ToArray();
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void NormalizationOutputReadTwiceKeepsItsActivationSeparate()
    {
        // The normalized tensor is a model output and the relu's input: the fold still gives it (it is
        // computed, not skipped), and the relu runs on it as a layer of its own.
        var input = Keras.Input([6, 6, 2]);
        var conv = new Conv2D(4, 3, padding: "same");
        var bn = new BatchNormalization();
        var relu = new Activation("relu");
        var normalized = bn.Call(conv.Call(input));
        var model = new Model(new[] { input }, new[] { relu.Call(normalized), normalized });
        RandomizeNormalization(model, seed: 6);
        var x = Images([2, 6, 6, 2], seed: 4);

        var outputs = model.PredictOutputs(x, verbose: 0);
        var step = model.Graph!.Fusion.At(model.Graph.Nodes.FindIndex(n => n.Layer == conv));
        Assert.Equal(2, step!.Chain!.Length);
        Assert.NotNull(FoldedWeights.Cached(bn));
        float[] n = LayerByLayer([conv, bn], x);
        AssertClose(n, outputs[1].ToArray());
        using (GradMode.NoGrad()) Assert.Equal(relu.Call(outputs[1]).ToArray(), outputs[0].ToArray());
    }

    [Fact]
    public void TrainingModeNormalizationIsNotFoldedButAFrozenOneIs()
    {
        using var context = new GraftContext(seed: 13).Use();
        Sequential Build() => new([new InputLayer([5, 5, 3]), new Conv2D(4, 3), new BatchNormalization(), new ReLU()]);
        var model = Build();
        var twin = Build();
        RandomizeNormalization(model, seed: 7);
        twin.SetWeights(model.GetWeights());
        var x = Images([3, 5, 5, 3], seed: 5);
        var bn = (BatchNormalization)model.Layers[1];

        float[] y;
        using (GradMode.NoGrad()) y = model.Call(x, training: true).ToArray();
        Assert.Null(FoldedWeights.Cached(bn));
        // The layers in training mode: batch statistics, moving statistics updated alike.
        Assert.Equal(LayerByLayer(twin.Layers, x, training: true), y);
        Assert.Equal(twin.Layers[1].GetWeights()[2].ToArray(), bn.MovingMean!.Value.ToArray());

        // Frozen, Keras runs it in inference mode whatever the call says, so it folds.
        bn.Trainable = false;
        float[] frozen;
        using (GradMode.NoGrad()) frozen = model.Call(x, training: true).ToArray();
        Assert.NotNull(FoldedWeights.Cached(bn));
        AssertClose(LayerByLayer(model.Layers, x), frozen);
    }

    [Fact]
    public void RecordedGradientsKeepTheLayersSeparate()
    {
        var model = SequentialCnn();
        var x = Images([2, 9, 9, 2], seed: 6);
        var conv = (Conv2D)model.Layers[0];
        conv.Kernel!.Value.RequiresGrad = true;
        try
        {
            var y = model.Call(x);
            Ops.Sum(y).Backward();
            // A folded kernel would have cut the gradient's path to the layer's own kernel.
            Assert.NotNull(conv.Kernel.Value.Grad);
            Assert.Null(FoldedWeights.Cached((BatchNormalization)model.Layers[1]));
            AssertClose(LayerByLayer(model.Layers, x), y.ToArray());
        }
        finally { conv.Kernel.Value.RequiresGrad = false; }
    }

    [Fact]
    public void ChangedWeightsAreFoldedAgain()
    {
        using var context = new GraftContext(seed: 14).Use();
        var model = SequentialCnn();
        var x = Images([4, 9, 9, 2], seed: 7);
        var bn = (BatchNormalization)model.Layers[1];
        model.Predict(x, verbose: 0);
        var first = FoldedWeights.Cached(bn);
        model.Predict(x, verbose: 0);
        Assert.Same(first, FoldedWeights.Cached(bn));   // unchanged weights: the fold is reused

        // SetWeights on the convolution, then on the normalization.
        var conv = model.Layers[0];
        conv.SetWeights(conv.GetWeights().Select(w => Ops.Multiply(w, 1.5f)).ToList());
        AssertClose(LayerByLayer(model.Layers, x), model.Predict(x, verbose: 0).ToArray());
        Assert.NotSame(first, FoldedWeights.Cached(bn));
        RandomizeNormalization(model, seed: 8);
        AssertClose(LayerByLayer(model.Layers, x), model.Predict(x, verbose: 0).ToArray());

        // Training moves the kernels (optimizer) and the moving statistics (training-mode calls).
        model.Compile("sparse_categorical_crossentropy", new SGD(0.1), []);
        model.Fit(x, Tensor.FromArray([0f, 1f, 2f, 1f]), batchSize: 2, epochs: 1, verbose: 0);
        AssertClose(LayerByLayer(model.Layers, x), model.Predict(x, verbose: 0).ToArray());
        // The optimizer's in-place steps alone (frozen normalizations keep their statistics).
        foreach (var norm in Norms(model)) norm.Trainable = false;
        model.Compile("sparse_categorical_crossentropy", new SGD(0.1), []);
        var beforeStep = model.Predict(x, verbose: 0).ToArray();
        model.Fit(x, Tensor.FromArray([2f, 0f, 1f, 0f]), batchSize: 2, epochs: 1, verbose: 0);
        var afterStep = model.Predict(x, verbose: 0).ToArray();
        Assert.NotEqual(beforeStep, afterStep);
        AssertClose(LayerByLayer(model.Layers, x), afterStep);

        // Loading weights from a file.
        var other = SequentialCnn();
        string path = Path.Combine(Path.GetTempPath(), $"graft-fusion-{Guid.NewGuid():N}.weights.h5");
        try
        {
            other.SaveWeights(path);
            model.LoadWeights(path);
        }
        finally { File.Delete(path); }
        var loaded = model.Predict(x, verbose: 0).ToArray();
        AssertClose(LayerByLayer(other.Layers, x), loaded);
        AssertClose(LayerByLayer(model.Layers, x), loaded);
    }

    [Fact]
    public void AnInputTheLayersRejectGetsTheirOwnMessage()
    {
        var model = new Sequential([new Dense(4, name: "fc"), new BatchNormalization(), new ReLU()]);
        model.Predict(Images([2, 3], seed: 9), verbose: 0);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(Images([2, 5], seed: 9), verbose: 0));
        Assert.Contains("Dense 'fc': expected input with last dimension 3, got shape (2, 5)", e.Message);
    }

    [Fact]
    public void FusedInferenceIsTheSameForEveryThreadCount()
    {
        using var context = new GraftContext(seed: 15).Use();
        var model = ResNetLike();
        var x = Images([5, 10, 10, 3], seed: 8);
        float[]? reference = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[] y;
            using (new GraftContext { Threads = threads }.Use()) y = model.Predict(x, verbose: 0).ToArray();
            if (reference is null) reference = y;
            else Assert.Equal(reference, y);
        }
    }

    [Theory]
    [InlineData(2, 37)]
    [InlineData(3, 64)]
    [InlineData(2, 3)]
    public void ResidualAddAndReluInOnePassEqualTheLayersBitForBit(int inputs, int length)
    {
        var random = new Random(length);
        var xs = Enumerable.Range(0, inputs).Select(_ => Tensor.FromArray(Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray(), 1, length)).ToList();
        var nan = xs[0].ToArray();
        nan[length / 2] = float.NaN;
        xs[0] = Tensor.FromArray(nan, 1, length);
        var add = new Add();
        var relu = new ReLU();
        var input = Keras.Input([length]);
        relu.Call(add.Call(Enumerable.Range(0, inputs).Select(_ => input).ToList()));   // builds both
        var pair = ResidualRelu.Match(add, relu)!;
        var fused = pair.TryRun(xs)!.ToArray();
        float[] expected;
        using (GradMode.NoGrad()) expected = relu.Call(add.Call(xs)).ToArray();
        // NaN stays NaN (its payload bits are the hardware's to choose); every other value is equal to the bit.
        Assert.True(float.IsNaN(fused[length / 2]) && float.IsNaN(expected[length / 2]));
        static int Bits(float v) => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v);
        Assert.Equal(expected.Select(Bits), fused.Select(Bits));
    }
}
