using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Models;

/// <summary>
/// In training, a BatchNormalization whose output only a relu reads runs with the relu as one op
/// (<see cref="NormRelu"/>), in functional models and stacks alike: outputs, every weight's
/// gradient and the moving statistics are bit for bit those of the layers called one by one, under
/// any thread count; a pair that anything else could tell apart runs as two layers.
/// </summary>
public class TrainingFusionTests
{
    /// <summary>Conv, normalization and relu twice (an Activation and a ReLU layer), odd channel counts, then a Dense head.</summary>
    private static Layer[] Layers() =>
    [
        new Conv2D(5, 3, padding: "same", useBias: false, name: "c1"), new BatchNormalization(name: "bn1"), new Activation("relu", name: "r1"),
        new Conv2D(19, 3, strides: 2, name: "c2"), new BatchNormalization(center: false, name: "bn2"), new ReLU(name: "r2"),
        new GlobalAveragePooling2D(name: "pool"), new Dense(3, name: "fc"),
    ];

    private static Model Functional(Layer[] layers)
    {
        var input = Keras.Input([9, 9, 2]);
        SymbolicTensor x = input;
        foreach (var layer in layers) x = layer.Call(x);
        return new Model(input, x, "functional");
    }

    private static Model Stack(Layer[] layers) => new Sequential([new InputLayer([9, 9, 2]), .. layers], name: "stack");

    /// <summary>Scales and offsets away from 1 and 0, and a batch whose values cross zero after normalization.</summary>
    private static void Randomize(IEnumerable<Layer> layers, int seed)
    {
        var random = new Random(seed);
        foreach (var bn in layers.OfType<BatchNormalization>())
        {
            int c = bn.MovingMean!.Shape[0];
            Tensor Values(double low, double high) => Tensor.FromArray(Enumerable.Range(0, c).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray());
            var weights = new List<Tensor> { Values(0.5, 1.5) };
            if (bn.Center) weights.Add(Values(-0.5, 0.5));
            weights.Add(Values(-0.4, 0.4));
            weights.Add(Values(0.3, 2.0));
            bn.SetWeights(weights);
        }
    }

    /// <summary>The output, then each trainable weight's gradient of Σ r·output, then each layer's weights after the step (moving statistics).</summary>
    private static List<float[]> Step(Func<Tensor, Tensor> forward, IReadOnlyList<Layer> layers, Tensor x)
    {
        var trainable = layers.SelectMany(l => l.TrainableWeights).ToList();
        foreach (var w in trainable) w.Value.RequiresGrad = true;
        try
        {
            var y = forward(x);
            var r = Tensor.RandomUniform(y.Shape.ToArray(), -1, 1, new Generator(9));
            Ops.Sum(Ops.Multiply(y, r)).Backward();
            var result = new List<float[]> { y.ToArray() };
            result.AddRange(trainable.Select(w => w.Value.Grad!.ToArray()));
            result.AddRange(layers.SelectMany(l => l.GetWeights()).Select(t => t.ToArray()));
            return result;
        }
        finally
        {
            foreach (var w in trainable) { w.Value.RequiresGrad = false; w.Value.Grad = null; }
        }
    }

    private static List<float[]> LayerByLayer(IReadOnlyList<Layer> layers, Tensor x) =>
        Step(t => { foreach (var l in layers) t = l.Call(t, training: true); return t; }, layers, x);

    private static void AssertBitwise(List<float[]> expected, List<float[]> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i][j]) == BitConverter.SingleToInt32Bits(actual[i][j]),
                    $"{what}: expected array {i} (0 the output, then gradients, then weights) [{j}] = {expected[i][j]:R}, got {actual[i][j]:R}.");
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    public void NormalizationAndReluTrainAsTheLayersDoBitForBit(bool stack, int threads)
    {
        using var context = new GraftContext(seed: 21) { Threads = threads }.Use();
        var layers = Layers();
        var model = stack ? Stack(layers) : Functional(layers);
        var twin = Layers();
        var twinModel = stack ? Stack(twin) : Functional(twin);
        Randomize(layers, seed: 5);
        twinModel.SetWeights(model.GetWeights());
        var x = Tensor.RandomNormal([4, 9, 9, 2], generator: new Generator(3));

        var expected = LayerByLayer(twin, x);
        var actual = Step(t => model.Call(t, training: true), layers, x);
        AssertBitwise(expected, actual, $"{(stack ? "stack" : "functional")} under {threads} threads");
    }

    /// <summary>A residual block's layers: conv, normalization, relu; conv, normalization; Add with the first relu's output; relu; a Dense head.</summary>
    private static Layer[] BlockLayers() =>
    [
        new Conv2D(6, 3, padding: "same", useBias: false), new BatchNormalization(), new ReLU(),
        new Conv2D(6, 3, padding: "same", useBias: false), new BatchNormalization(), new Add(), new Activation("relu"),
        new GlobalAveragePooling2D(), new Dense(3),
    ];

    /// <summary>The block on <paramref name="x"/>, a graph node per layer call, or the layers called one by one.</summary>
    private static T Block<T>(Layer[] l, T x, Func<Layer, T, T> call, Func<Layer, T, T, T> add)
    {
        var a = call(l[2], call(l[1], call(l[0], x)));
        var b = call(l[4], call(l[3], a));
        return call(l[8], call(l[7], call(l[6], add(l[5], a, b))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AResidualAddAndItsReluTrainAsTheLayersDoBitForBit(int threads)
    {
        using var context = new GraftContext(seed: 22) { Threads = threads }.Use();
        Model Build(Layer[] l)
        {
            var input = Keras.Input([7, 7, 6]);
            return new Model(input, Block<SymbolicTensor>(l, input, (layer, t) => layer.Call(t), (layer, a, b) => ((Add)layer).Call([a, b])), "block");
        }
        var layers = BlockLayers();
        var model = Build(layers);
        var twin = BlockLayers();
        var twinModel = Build(twin);
        Randomize(layers, seed: 6);
        twinModel.SetWeights(model.GetWeights());
        var x = Tensor.RandomNormal([3, 7, 7, 6], generator: new Generator(5));

        var expected = Step(t => Block(twin, t, (layer, v) => layer.Call(v, training: true), (layer, a, b) => ((Add)layer).Call(new[] { a, b }, training: true)), twin, x);
        var actual = Step(t => model.Call(t, training: true), layers, x);
        AssertBitwise(expected, actual, $"residual block under {threads} threads");

        // The Add and its relu ran as one op.
        foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = true;
        try
        {
            var ops = new List<string>();
            var stack = new Stack<Tensor>([model.Call(x, training: true)]);
            while (stack.Count > 0)
                if (stack.Pop().Node is { } node)
                {
                    ops.Add(node.Op);
                    foreach (var i in node.Inputs) stack.Push(i);
                }
            Assert.Contains("AddRelu", ops);
            Assert.DoesNotContain("Relu", ops);
            Assert.DoesNotContain("Add", ops);
        }
        finally { foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = false; }
    }

    [Fact]
    public void TheFunctionalPlanPairsEachNormalizationWithItsRelu()
    {
        var layers = Layers();
        var model = Functional(layers);
        var graph = model.Graph!;
        var pairs = Enumerable.Range(0, graph.Nodes.Count).Select(graph.Fusion.NormReluAt).OfType<NormRelu>().ToList();
        Assert.Equal(["bn1", "bn2"], pairs.Select(p => p.Norm.Name));
        Assert.Equal(["r1", "r2"], pairs.Select(p => p.ReluLayer.Name));
    }

    /// <summary>The op that made a training call's output of conv → normalization → relu.</summary>
    private static string? LastOp(Model model, Tensor x)
    {
        foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = true;
        try { return model.Call(x, training: true).Node?.Op; }
        finally { foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = false; }
    }

    [Fact]
    public void OnlyAPlainReluAfterATrainingNormalizationJoinsIt()
    {
        var x = Tensor.RandomNormal([2, 6, 6, 2], generator: new Generator(4));
        Model Build(Layer relu, BatchNormalization? bn = null) => new Sequential([new InputLayer([6, 6, 2]), new Conv2D(4, 3), bn ?? new BatchNormalization(), relu]);

        Assert.Equal("BatchNormalizationRelu", LastOp(Build(new ReLU()), x));
        Assert.Equal("BatchNormalizationRelu", LastOp(Functional2(new Activation("relu")), x));
        // A capped relu, another activation, a relu with an activity penalty: two layers.
        Assert.NotEqual("BatchNormalizationRelu", LastOp(Build(new ReLU(maxValue: 6)), x));
        Assert.NotEqual("BatchNormalizationRelu", LastOp(Build(new Activation("selu")), x));
        Assert.NotEqual("BatchNormalizationRelu", LastOp(Build(new ReLU { ActivityRegularizer = new Regularizers.L2(0.01f) }), x));
        // A frozen normalization runs in inference mode, a normalization over another axis its own way.
        var frozen = new BatchNormalization { Trainable = false };
        Assert.NotEqual("BatchNormalizationRelu", LastOp(Build(new ReLU(), frozen), x));
        Assert.NotEqual("BatchNormalizationRelu", LastOp(Build(new ReLU(), new BatchNormalization(axis: 1)), x));
        // Not training: the layers' own inference path.
        var model = Build(new ReLU());
        foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = true;
        Assert.NotEqual("BatchNormalizationRelu", model.Call(x, training: false).Node?.Op);

        // The normalized tensor is also a model output: it must exist, so the relu runs on it.
        var input = Keras.Input([6, 6, 2]);
        var normalized = new BatchNormalization().Call(new Conv2D(4, 3).Call(input));
        var twoOutputs = new Model(new[] { input }, new[] { new ReLU().Call(normalized), normalized });
        foreach (var w in twoOutputs.TrainableWeights) w.Value.RequiresGrad = true;
        Assert.Null(twoOutputs.Graph!.Fusion.NormReluAt(twoOutputs.Graph.Nodes.FindIndex(n => n.Layer is BatchNormalization)));
        Assert.NotEqual("BatchNormalizationRelu", twoOutputs.Call(new[] { x }, training: true)[0].Node?.Op);

        static Model Functional2(Layer relu)
        {
            var input = Keras.Input([6, 6, 2]);
            return new Model(input, relu.Call(new BatchNormalization().Call(new Conv2D(4, 3).Call(input))));
        }
    }
}
