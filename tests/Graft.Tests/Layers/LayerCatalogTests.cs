using System.Reflection;
using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>Generic tests run for every entry of the layer catalog.</summary>
public class LayerCatalogTests
{
    private static Tensor Input(LayerCatalog.Entry e, int seed = 3)
    {
        int[] shape = [2, .. e.SampleShape];
        if (e.Ids > 0)
            return Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (float)((i * 7 + seed) % e.Ids)).ToArray(), shape);
        if (e.Distinct)
        {
            // Distinct values, spaced wider than the finite-difference step, so max/min winners are stable.
            int n = shape.Aggregate(1, (a, b) => a * b);
            return Tensor.FromArray(new Generator(seed).Permutation(n).Select(v => v * 0.05f - n * 0.025f).ToArray(), shape);
        }
        return e.SmoothAwayFromZero ? GradCheck.AwayFromZero(shape, seed, 0.15f, 1f) : GradCheck.Uniform(shape, seed);
    }

    // With distinct values, each input is shifted by a fraction of the spacing so no two inputs tie.
    private static Tensor[] Inputs(LayerCatalog.Entry e) =>
        Enumerable.Range(0, e.Inputs).Select(i => e.Distinct ? Input(e, 3 + 17 * i) + 0.013f * i : Input(e, 3 + 17 * i)).ToArray();

    private static Tensor Run(Layer layer, Tensor[] xs, bool training = false) =>
        layer is Graft.Layers.Merging.Merge m ? m.Call(xs, training) : layer.Call(xs[0], training);

    /// <summary>
    /// The layer on the CPU and on the float64 reference backend, with the same weights and inputs:
    /// values and the gradients of inputs and trainable weights agree to float32 rounding, and the
    /// reference's gradients agree with finite differences in float64 (<see cref="GradCheck.CheckOnBothDevices"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void GradientsMatchTheReferenceBackendAndFiniteDifferences(LayerCatalog.Entry e)
    {
        var xs = Inputs(e);
        var original = e.Create();
        Run(original, xs);                                 // build
        var weights = original.GetWeights();

        // A fresh layer per device (built there, under that default device), holding the same weights.
        (Func<Tensor[], Tensor>, Tensor[]) Setup(Device device, bool training)
        {
            var layer = e.Create();
            var inputs = xs.Select(x => x.To(device)).ToArray();
            Run(layer, inputs);
            layer.SetWeights(weights);
            var trainable = layer.Weights.Where(v => v.Trainable).Select(v => v.Value).ToArray();
            Assert.All(trainable, w => Assert.Equal(device, w.Device));
            if (e.Ids > 0) return (t => Run(layer, inputs), trainable);   // ids are not differentiable
            return (t => Run(layer, t[..e.Inputs], training), [.. inputs, .. trainable]);
        }
        GradCheck.CheckOnBothDevices(d => Setup(d, training: false));
        if (original is Graft.Layers.Normalization.BatchNormalization)
            GradCheck.CheckOnBothDevices(d => Setup(d, training: true));
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ComputeOutputShapeMatchesTheForwardPass(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var y = Run(layer, Inputs(e));
        int?[] sample = [null, .. e.SampleShape.Select(d => (int?)d)];
        var predicted = layer is Graft.Layers.Merging.Merge m ? m.ComputeOutputShape(Enumerable.Repeat(sample, e.Inputs).ToList()) : layer.ComputeOutputShape(sample);
        Assert.Equal(Layer.FormatShape([null, .. y.Shape.Dims[1..].Select(d => (int?)d)]), Layer.FormatShape(predicted));
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void ConfigRoundTripGivesTheSameLayer(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var xs = Inputs(e);
        var y = Run(layer, xs);
        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.ClassName, config);
        Assert.Equal(layer.Name, copy.Name);
        Run(copy, xs);
        copy.SetWeights(layer.GetWeights());
        Assert.Equal(y.ToArray(), Run(copy, xs).ToArray());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
    }

    [Theory]
    [MemberData(nameof(LayerCatalog.Cases), MemberType = typeof(LayerCatalog))]
    public void CloneCopiesTheDeclaredOptions(LayerCatalog.Entry e)
    {
        var layer = e.Create();
        var xs = Inputs(e);
        var y = Run(layer, xs);
        var copy = layer.CloneLayer();
        Assert.NotSame(layer, copy);
        Assert.Equal(layer.GetType(), copy.GetType());
        Assert.Equal(layer.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());
        Run(copy, xs);
        Assert.True(layer.Weights.Count == 0 || !ReferenceEquals(layer.Weights[0], copy.Weights[0]), $"{e.Name}: expected fresh weights in the clone");
        copy.SetWeights(layer.GetWeights());
        Assert.Equal(y.ToArray(), Run(copy, xs).ToArray());
    }

    /// <summary>The catalog's layers that own weights (frozen or not, the others have nothing to keep still).</summary>
    public static IEnumerable<object[]> CasesWithWeights() =>
        LayerCatalog.All.Where(e => { var l = e.Create(); Run(l, Inputs(e)); return l.Weights.Count > 0; }).Select(e => new object[] { e });

    /// <summary>
    /// One SGD step of Input → Dense (trainable) → the layer → Flatten → Dense (trainable), with the
    /// layer trainable or frozen. The Dense below it shows whether gradients still flow through a
    /// frozen layer to what lies beneath (ids feed an Embedding directly). Returns the layers and
    /// every weight's values before the step.
    /// </summary>
    private static (Layer? Below, Layer Layer, Layer Head, Dictionary<Variable, float[]> Before) TrainOneStep(LayerCatalog.Entry e, bool frozen)
    {
        var layer = e.Create();
        var input = Keras.Input(e.SampleShape);
        Layer? below = e.Ids > 0 ? null : new Dense(e.SampleShape[^1]);
        var h = below is null ? input : below.Call(input);
        var y = layer is Graft.Layers.Merging.Merge m ? m.Call(Enumerable.Repeat(h, e.Inputs).ToList()) : layer.Call(h);
        var head = new Dense(1);
        var model = new Model(input, head.Call(new Graft.Layers.Reshaping.Flatten().Call(y)));
        layer.Trainable = !frozen;
        model.Compile("mse", new Graft.Optimizers.SGD(0.1));
        var before = model.Weights.ToDictionary(v => v, v => v.Value.ToArray());
        var x = Input(e);
        model.Fit(x, Tensor.FromArray([1f, -1f], 2, 1), batchSize: 2, epochs: 1, shuffle: false, verbose: 0);
        return (below, layer, head, before);
    }

    // A bias added to every key shifts all of a query's attention scores by one constant, which the
    // softmax ignores: its gradient is zero up to rounding (in Keras too).
    // A cell called alone runs one step from zero states: its recurrent kernel multiplies zeros (in Keras too).
    private static bool ZeroGradientByDesign(Variable v) =>
        v.Owner is Graft.Layers.Attention.MultiHeadAttention && v.Name == "key/bias"
        || v.Owner is Graft.Layers.Recurrent.RecurrentCell && v.Name == "recurrent_kernel";

    private static bool Changed(Variable v, Dictionary<Variable, float[]> before) => !v.Value.ToArray().SequenceEqual(before[v]);

    [Theory]
    [MemberData(nameof(CasesWithWeights))]
    public void FrozenLayerGetsNoWeightGradients(LayerCatalog.Entry e)
    {
        // Trainable, the step reaches every trainable weight of the layer, so the frozen run below can tell.
        var (_, live, _, liveBefore) = TrainOneStep(e, frozen: false);
        Assert.NotEmpty(live.TrainableWeights);
        foreach (var v in live.TrainableWeights.Where(v => !ZeroGradientByDesign(v)))
            Assert.True(Changed(v, liveBefore), $"{e.Name}: expected the trainable weight {v.Path} to change in a training step, got the same values.");

        var (below, layer, head, before) = TrainOneStep(e, frozen: true);
        foreach (var v in layer.Weights)
        {
            // Fit clears the gradients of the weights it trains; a frozen weight must never have received one.
            Assert.True(v.Value.Grad is null, $"{e.Name}: expected no gradient for the frozen weight {v.Path}, got one of shape {v.Value.Grad?.Shape}.");
            Assert.False(Changed(v, before), $"{e.Name}: expected the frozen weight {v.Path} to keep its values in a training step, got new ones.");
        }
        foreach (var v in head.Weights.Concat(below?.Weights ?? []))
            Assert.True(Changed(v, before), $"{e.Name}: expected the trainable weight {v.Path} around the frozen layer to change, got the same values.");
    }

    [Fact]
    public void EveryPublicLayerIsInTheCatalog()
    {
        var layerTypes = typeof(Layer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t) && !typeof(Model).IsAssignableFrom(t))
            .Select(t => t.Name).ToHashSet();
        var covered = LayerCatalog.All.Select(e => e.Create().GetType().Name).ToHashSet();
        Assert.Empty(layerTypes.Except(covered));
        foreach (var name in layerTypes) Assert.True(LayerRegistry.IsKnown(name), $"{name} has no registry entry");
    }
}
