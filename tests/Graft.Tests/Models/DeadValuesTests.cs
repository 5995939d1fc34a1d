using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Tests.Models;

/// <summary>
/// A training forward pass gives back, as soon as their last reader has run, the intermediate
/// tensors whose values the backward pass does not read (a BatchNormalization's output read by a
/// relu or an Add, an Add's sum read by a relu), and nothing else; the gradients are bitwise those of
/// the same step run without a pool, where nothing is given back and no gradient is overwritten.
/// </summary>
public class DeadValuesTests
{
    /// <summary>A stem and a residual block: Conv-BN-relu, Conv-BN, Add with the block's input, ReLU layer.</summary>
    private static Model ResidualBlock(bool bnOutputIsModelOutput = false, Regularizer? activity = null)
    {
        var input = Keras.Input([6, 6, 3]);
        var x = new Conv2D(8, 3, padding: "same", useBias: false).Call(input);
        x = new BatchNormalization { ActivityRegularizer = activity }.Call(x);
        var stemBn = x;
        x = new Activation("relu").Call(x);
        var y = new Conv2D(8, 3, padding: "same", useBias: false).Call(x);
        y = new BatchNormalization().Call(y);
        y = new Activation("relu").Call(y);
        y = new Conv2D(8, 3, padding: "same", useBias: false).Call(y);
        y = new BatchNormalization().Call(y);
        x = new ReLU().Call(new Add().Call([x, y]));
        var logits = new Dense(3).Call(new GlobalAveragePooling2D().Call(x));
        return Trainable(bnOutputIsModelOutput ? new Model([input], [logits, stemBn], "block") : new Model(input, logits, "block"));
    }

    /// <summary>Builds <paramref name="model"/> and marks its weights as trained, as Fit does.</summary>
    private static Model Trainable(Model model)
    {
        model.Call([Images()], training: false);
        foreach (var w in model.TrainableWeights) w.Value.RequiresGrad = true;
        return model;
    }

    private static Tensor Images() => Tensor.RandomNormal([4, 6, 6, 3], generator: new Generator(11));

    /// <summary>
    /// One step: forward in training mode, Σ logits·r, backward; the trainable weights' gradients, the
    /// relu nodes' inputs, the normalization nodes' inputs (those run with their relu as one op
    /// included) and how many ran with their relu.
    /// </summary>
    private static (float[][] Grads, List<Tensor> ReluInputs, List<Tensor> NormInputs, int Pairs) Step(Model model)
    {
        foreach (var w in model.TrainableWeights) w.Value.ZeroGrad();
        var logits = model.Call(Images(), training: true);
        // A relu's input, or (an Add and its relu run as one op) an Add's input that a normalization made.
        var relus = Nodes(logits, "Relu").Select(n => n.Inputs[0])
            .Concat(Nodes(logits, "AddRelu").SelectMany(n => n.Inputs).Where(t => t.Node?.Op == "BatchNormalization")).ToList();
        var pairs = Nodes(logits, "BatchNormalizationRelu");
        var norms = Nodes(logits, "BatchNormalization").Concat(pairs).Select(n => n.Inputs[0]).ToList();
        var r = Tensor.RandomUniform(logits.Shape.ToArray(), -1, 1, new Generator(12));
        Ops.Sum(Ops.Multiply(logits, r)).Backward();
        return (model.TrainableWeights.Select(w => w.Value.Grad!.ToArray()).ToArray(), relus, norms, pairs.Count);
    }

    /// <summary>The recorded nodes of op <paramref name="op"/> in the graph behind <paramref name="root"/>.</summary>
    private static List<GradNode> Nodes(Tensor root, string op)
    {
        var found = new List<GradNode>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>([root]);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (!seen.Add(t) || t.Node is null) continue;
            if (t.Node.Op == op) found.Add(t.Node);
            foreach (var i in t.Node.Inputs) stack.Push(i);
        }
        return found;
    }

    [Fact]
    public void NormalizationAndSumOutputsGoBackDuringTheForwardPassWithTheSameGradients()
    {
        var model = ResidualBlock();
        var (expected, plainRelus, _, _) = Step(model);   // no scope: nothing pooled, nothing given back
        Assert.All(plainRelus, t => Assert.False(t.Storage.IsReleased));

        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (TensorScope.Begin())
        {
            var (grads, relus, norms, pairs) = Step(model);
            // The two BatchNormalization outputs that only a relu reads are never written: each pair runs
            // as one op (NormRelu), and so do the Add and its relu (no sum written). The block's last
            // normalization output, which the Add read, is given back before backward.
            Assert.Equal(2, pairs);
            Assert.True(Assert.Single(relus).Storage.IsReleased, "expected the Add's normalized input given back after the forward pass");
            // The convolutions' outputs are what BatchNormalization's gradient reads: kept.
            Assert.Equal(3, norms.Count);
            Assert.All(norms, t => Assert.False(t.Storage.IsReleased, "expected a BatchNormalization's input kept for backward"));
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], grads[i]);
        }
    }

    [Fact]
    public void AModelOutputOrAnActivityPenaltyKeepsTheValues()
    {
        foreach (var model in new[] { ResidualBlock(bnOutputIsModelOutput: true), ResidualBlock(activity: new L2(0.01f)) })
        {
            using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
            using (TensorScope.Begin())
            {
                var images = Images();
                var logits = model.Call([images], training: true)[0];
                // The stem's normalization output: the relu input whose normalization reads the convolution of the images.
                var stem = Nodes(logits, "Relu").Select(n => n.Inputs[0])
                    .Single(t => t.Node?.Op == "BatchNormalization" && t.Node.Inputs[0].Node!.Inputs.Contains(images));
                Assert.False(stem.Storage.IsReleased, $"{model.Name}: expected the stem's normalization output kept");
                // The block's own normalization output, which its Add read, still goes.
                Assert.Contains(Nodes(logits, "AddRelu").SelectMany(n => n.Inputs), t => t.Node?.Op == "BatchNormalization" && t.Storage.IsReleased);
            }
        }
    }

    [Fact]
    public void ASequentialStackGivesBackTheNormalizationOutputItsReluRead()
    {
        var model = (Sequential)Trainable(new Sequential([
            new InputLayer([6, 6, 3]),
            new Conv2D(4, 3, padding: "same", useBias: false),
            new BatchNormalization(),
            new ReLU(),
            new Conv2D(4, 3, padding: "same", useBias: false),
            new BatchNormalization(),
            new GlobalAveragePooling2D(),
        ]));
        var (expected, _, _, _) = Step(model);
        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (TensorScope.Begin())
        {
            var (grads, relus, norms, pairs) = Step(model);
            // The first normalization runs with its relu as one op: no output of its own to give back.
            Assert.Empty(relus);
            Assert.Equal(1, pairs);
            // The convolutions' outputs, which the normalizations' gradients read, stay.
            Assert.Equal(2, norms.Count);
            Assert.All(norms, t => Assert.False(t.Storage.IsReleased));
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], grads[i]);
        }

        // Frozen, the first normalization runs in inference mode, as a layer of its own: its output,
        // which the relu read, is given back.
        model.Layers[1].Trainable = false;
        var (expectedFrozen, _, _, _) = Step(model);
        using (new GraftContext { BufferPool = new BufferPool(trimAtFullCollections: false) }.Use())
        using (TensorScope.Begin())
        {
            var (grads, relus, _, pairs) = Step(model);
            Assert.Equal(0, pairs);
            Assert.True(Assert.Single(relus).Storage.IsReleased, "expected the relu's input given back");
            for (int i = 0; i < expectedFrozen.Length; i++) Assert.Equal(expectedFrozen[i], grads[i]);
        }
    }
}
