using Graft.Layers.Core;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Models;

public class SequentialTests
{
    [Fact]
    public void BuildsOnFirstCallWithoutInputShape()
    {
        var m = new Sequential([new Dense(3), new Dense(2)]);
        Assert.False(m.Built);
        Assert.Contains("0 (unbuilt)", m.Summary(_ => { }));
        var y = m.Predict(Tensor.Ones(4, 5));
        Assert.True(m.Built);
        Assert.Equal(new Shape(4, 2), y.Shape);
        Assert.Equal(5 * 3 + 3 + 3 * 2 + 2, m.CountParams());
    }

    [Fact]
    public void InputLayerIsNotAmongLayers()
    {
        var m = new Sequential([new InputLayer([28, 28]), new Flatten(), new Dense(10)]);
        Assert.True(m.Built);
        Assert.Equal(2, m.Layers.Count);
        Assert.IsType<Flatten>(m.Layers[0]);
        Assert.Equal("(None, 10)", Graft.Layers.Layer.FormatShape(m.OutputShape!));
    }

    [Fact]
    public void SlicesShareLayerObjectsAndPopRemoves()
    {
        var m = new Sequential([new Dense(4, inputShape: [3]), new Dense(4), new Dense(1)]);
        var head = m.Layers[^1];
        var body = m.Layers[..^1];
        Assert.Equal(2, body.Count);
        Assert.Same(m.Layers[0], body[0]);
        var b = new Sequential(body);
        Assert.Same(m.Layers[1], b.Layers[1]);
        Assert.Same(head, m.Pop());
        Assert.Equal(2, m.Layers.Count);
        Assert.Contains("expected at least one layer", Assert.Throws<InvalidOperationException>(() => new Sequential().Pop()).Message);
    }

    [Fact]
    public void CloneHasTheSameStructureFreshWeightsAndTheSameNames()
    {
        var m = new Sequential([new Dense(4, inputShape: [3], activation: "relu"), new Dense(2)], name: "orig");
        var c = m.Clone();
        Assert.Equal(m.Name, c.Name);
        Assert.Equal(m.Layers.Select(l => l.Name), c.Layers.Select(l => l.Name));
        Assert.NotSame(m.Layers[0], c.Layers[0]);
        Assert.NotEqual(m.GetWeights()[0].ToArray(), c.GetWeights()[0].ToArray());
        c.SetWeights(m.GetWeights());
        var x = Tensor.RandomNormal([5, 3]);
        Assert.Equal(m.Predict(x).ToArray(), c.Predict(x).ToArray());
        c.Layers[0].Weights[0].Value.Assign(Tensor.Zeros(3, 4));
        Assert.NotEqual(0f, m.GetWeights()[0].ToArray().Max(Math.Abs));
    }

    [Fact]
    public void CloneKeepsTrainableFlags()
    {
        // Keras's clone_model rebuilds each layer from its config, which holds `trainable`. A lost flag
        // would also change the legacy .h5 weight order (trainable first) between a model and its clone.
        var frozen = new Dense(3);
        frozen.Trainable = false;
        var inner = new Sequential([new Dense(4, inputShape: [2]), new Dense(3)]);
        inner.Layers[1].Trainable = false;
        var m = new Sequential([new Dense(2, inputShape: [5]), inner, frozen, new Dense(1)]);
        var c = m.Clone();
        Assert.Equal([true, true, false, true], c.Layers.Select(l => l.Trainable));
        Assert.Equal([true, false], ((Sequential)c.Layers[1]).Layers.Select(l => l.Trainable));
        Assert.Equal(m.TrainableWeights.Count, c.TrainableWeights.Count);
    }

    [Fact]
    public void TrainableIsRecursiveAndKerasOrdered()
    {
        var inner = new Sequential([new Dense(2, inputShape: [2]), new Dense(2)]);
        var outer = new Sequential([inner, new Dense(1)]);
        outer.Build([null, 2]);
        Assert.Equal(6, outer.TrainableWeights.Count);
        inner.Trainable = false;
        Assert.All(inner.Layers, l => Assert.False(l.Trainable));
        Assert.Equal(2, outer.TrainableWeights.Count);
        Assert.Equal(4, outer.NonTrainableWeights.Count);
        Assert.Equal(["kernel", "bias", "kernel", "bias", "kernel", "bias"], outer.Weights.Select(v => v.Name));
        Assert.Equal(outer.Layers[0].Weights[0], outer.Weights[0]);
    }

    [Fact]
    public void AutomaticNamesFollowKeras()
    {
        Assert.Equal("leaky_re_lu", Graft.Layers.LayerNames.ToSnakeCase("LeakyReLU"));
        Assert.Equal("re_lu", Graft.Layers.LayerNames.ToSnakeCase("ReLU"));
        Assert.Equal("batch_normalization", Graft.Layers.LayerNames.ToSnakeCase("BatchNormalization"));
        Assert.Equal("conv2d", Graft.Layers.LayerNames.ToSnakeCase("Conv2D"));
        var a = new Dense(1); var b = new Dense(1);
        Assert.StartsWith("dense", a.Name);
        Assert.NotEqual(a.Name, b.Name);
    }
}
