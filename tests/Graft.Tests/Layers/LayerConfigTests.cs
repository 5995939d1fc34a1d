using System.Text.Json.Nodes;
using Graft.Initializers;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Attention;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Recurrent;
using Graft.Layers.Reshaping;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Regularizers;
using Graft.Saving;
using Graft.Tensors;

namespace Graft.Tests.Layers;

/// <summary>Each layer's options are declared once, by its constructor: config both ways, registry entry and clone follow.</summary>
public class LayerConfigTests
{
    private static Layer Read(string cls, string json) => LayerRegistry.FromConfig(cls, (JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void EveryLayerDeclaresEachConstructorParameterAndIsRegistered()
    {
        var types = typeof(Layer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t) && !typeof(Model).IsAssignableFrom(t)).ToList();
        Assert.True(types.Count >= 51, $"expected Graft's layers, got {types.Count} types");
        var undeclared = types.Select(t => (t, d: LayerConfig.For(t))).Where(x => x.d is not { Missing: null })
            .Select(x => $"{x.t.Name}: parameter '{x.d?.Missing}' has no property of its name").ToList();
        Assert.True(undeclared.Count == 0, string.Join("\n", undeclared));
        Assert.All(types, t => Assert.True(LayerRegistry.IsBuiltIn(t.Name), $"{t.Name} has no registry entry"));
    }

    [Fact]
    public void SizesTakeOneIntegerOrOnePerAxis()
    {
        var a = new Conv2D(32, 3);
        Assert.Equal([3, 3], a.KernelSize);
        Assert.Equal([1, 1], a.Strides);
        var b = new Conv2D(32, (3, 2), strides: 2, dilationRate: [1, 2]);
        Assert.Equal([3, 2], b.KernelSize);
        Assert.Equal([2, 2], b.Strides);
        Assert.Equal([1, 2], b.DilationRate);
        int[] kernel = [5, 4];
        Assert.Equal([5, 4], new DepthwiseConv2D(kernel).KernelSize);
        Assert.Equal([3, 3], new SeparableConv2D(4, 3, strides: (3, 3)).Strides);
        var pool = new MaxPooling2D(3);
        Assert.Equal([3, 3], pool.PoolSize);
        Assert.Equal([3, 3], pool.Strides);   // Keras's default stride is the window
        Assert.Equal([1, 1], new AveragePooling2D((2, 3), strides: 1).Strides);
        Assert.Equal((3, 3), new UpSampling2D(3).Size);
        var ex = Assert.Throws<ArgumentException>(() => new Conv2D(4, [1, 2, 3]));
        Assert.Contains("kernel_size", ex.Message);
        Assert.Contains("(1, 2, 3)", ex.Message);
    }

    [Fact]
    public void MarginsTakeEveryKerasForm()
    {
        Assert.Equal(((2, 2), (2, 2)), new ZeroPadding2D(2).Padding);
        Assert.Equal(((1, 1), (2, 2)), new ZeroPadding2D((1, 2)).Padding);
        Assert.Equal(((0, 1), (2, 3)), new ZeroPadding2D(((0, 1), (2, 3))).Padding);
        Assert.Equal(((1, 1), (1, 1)), new ZeroPadding2D().Padding);
        Assert.Equal("zp", new ZeroPadding2D(1, "zp").Name);
        Assert.Equal(((1, 1), (0, 0)), new Cropping2D((1, 0)).Cropping);
        Assert.Equal(((0, 0), (0, 0)), new Cropping2D().Cropping);
        Assert.Equal(((2, 2), (2, 2)), ((ZeroPadding2D)Read("ZeroPadding2D", """{"name": "p1", "padding": 2}""")).Padding);
        Assert.Equal(((1, 1), (3, 3)), ((ZeroPadding2D)Read("ZeroPadding2D", """{"name": "p2", "padding": [1, 3]}""")).Padding);
        Assert.Equal(((0, 1), (2, 3)), ((Cropping2D)Read("Cropping2D", """{"name": "c1", "cropping": [[0, 1], [2, 3]]}""")).Cropping);
    }

    [Fact]
    public void HyperparametersAreDoubles()
    {
        var bn = new BatchNormalization(momentum: 0.9, epsilon: 1e-5);
        Assert.Equal(1e-5f, bn.Epsilon);
        Assert.Equal(0.9f, bn.Momentum);
        Assert.Equal(0.25f, new Graft.Layers.Regularization.Dropout(0.25).Rate);
        Assert.Equal(0.2f, new LeakyReLU(0.2).NegativeSlope);
        Assert.Equal(0.1f, new LSTM(2, dropout: 0.1).Dropout);
    }

    [Fact]
    public void ConfigsOfEveryKerasEraRead()
    {
        Assert.Equal(0.2f, ((LeakyReLU)Read("LeakyReLU", """{"name": "l1", "alpha": 0.2}""")).NegativeSlope);          // Keras 2
        Assert.Equal(0.1f, ((LeakyReLU)Read("LeakyReLU", """{"name": "l2", "negative_slope": 0.1, "alpha": 0.2}""")).NegativeSlope);
        var e = (Embedding)Read("Embedding", """{"name": "e", "input_dim": 5, "output_dim": 2, "kernel_initializer": "ones", "input_length": 7}""");
        Assert.IsType<Ones>(e.EmbeddingsInitializer);
        Assert.Equal([7], e.DeclaredInputShape!);
        Assert.False(((GRU)Read("GRU", """{"name": "g1", "units": 2}""")).ResetAfter);                    // before Keras 2.3
        Assert.True(((GRU)Read("GRU", """{"name": "g2", "units": 2, "reset_after": true}""")).ResetAfter);
        var c = (Conv2D)Read("Conv2D", """{"name": "c", "filters": 2, "kernel_size": 3, "data_format": null, "trainable": false}""");
        Assert.Equal([3, 3], c.KernelSize);
        Assert.Equal("channels_last", c.DataFormat);
        Assert.False(c.Trainable);
        Assert.Equal([3], ((Conv1D)Read("Conv1D", """{"name": "c1", "filters": 2, "kernel_size": [3], "strides": [2]}""")).KernelSize);
        Assert.Equal(-1, ((Softmax)Read("Softmax", """{"name": "s", "axis": [-1]}""")).Axis);
        var input = (InputLayer)Read("InputLayer", """{"name": "in", "batch_input_shape": [null, 4, null]}""");
        Assert.Equal([4, -1], input.Shape);
    }

    [Fact]
    public void BadValuesNameTheLayerAndTheKey()
    {
        var ex = Assert.Throws<ModelFormatException>(() => Read("Dense", """{"name": "d", "units": "many"}"""));
        Assert.Contains("Dense 'd'", ex.Message);
        Assert.Contains("'units'", ex.Message);
        Assert.Contains("\"many\"", ex.Message);
        ex = Assert.Throws<ModelFormatException>(() => Read("Dense", """{"name": "d2"}"""));
        Assert.Contains("expected config key 'units'", ex.Message);
        ex = Assert.Throws<ModelFormatException>(() => Read("InputLayer", """{"name": "in"}"""));
        Assert.Contains("'batch_shape'", ex.Message);
        ex = Assert.Throws<ModelFormatException>(() => Read("TimeDistributed", """{"name": "td", "layer": 3}"""));
        Assert.Contains("'layer'", ex.Message);
    }

    [Fact]
    public void UnsupportedOptionsAreRecognised()
    {
        Assert.Equal([2, 3], ((MultiHeadAttention)Read("MultiHeadAttention", """{"name": "m", "num_heads": 2, "key_dim": 2, "attention_axes": [2, 3]}""")).AttentionAxes!);
        Assert.Equal([2, 3], ((MultiHeadAttention)Read("MultiHeadAttention", """{"name": "m", "num_heads": 2, "key_dim": 2, "output_shape": [2, 3]}""")).OutputShape!.Value.ToArray());
        Assert.Equal([1, 2], ((LayerNormalization)Read("LayerNormalization", """{"name": "ln", "axis": [1, 2]}""")).Axis);
        Assert.Equal([-1], ((LayerNormalization)Read("LayerNormalization", """{"name": "ln", "axis": [-1]}""")).Axis);
        Assert.Equal([2], ((LayerNormalization)Read("LayerNormalization", """{"name": "ln", "axis": 2}""")).Axis);
        Assert.Equal([5], ((MultiHeadAttention)Read("MultiHeadAttention", """{"name": "m", "num_heads": 2, "key_dim": 2, "output_shape": [5], "attention_axes": [1]}""")).OutputShape!.Value.ToArray());
    }

    [Fact]
    public void BuiltInClassesCannotBeReplacedOrRemoved()
    {
        Assert.Throws<ArgumentException>(() => LayerRegistry.Register("Dense", _ => new Dense(1)));
        Assert.Throws<ArgumentException>(() => LayerRegistry.Register<Scale>("Conv2D"));
        Assert.Throws<ArgumentException>(() => LayerRegistry.Unregister("Dense"));
        Assert.IsType<Dense>(Read("Dense", """{"name": "d", "units": 2}"""));
        Assert.False(LayerRegistry.Unregister("NoSuchLayer"));
    }

    [Fact]
    public void CloneCopiesTheDeclaredOptions()
    {
        var init = new RandomNormal(0f, 0.5f) { Seed = 4 };
        var dense = new Dense(3, activation: "relu", kernelInitializer: init, kernelRegularizer: new L2(0.1f), inputShape: [2], name: "d") { Trainable = false };
        var copy = (Dense)dense.CloneLayer();
        Assert.NotSame(dense, copy);
        // The very option objects, not new ones parsed from a config.
        Assert.Same(init, copy.KernelInitializer);
        Assert.Same(dense.KernelRegularizer, copy.KernelRegularizer);
        Assert.Equal(("d", 3, "relu", false), (copy.Name, copy.Units, copy.Activation.Name, copy.Trainable));
        Assert.NotSame(dense.Kernel, copy.Kernel);
        Assert.Equal(dense.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());

        var wrapped = new TimeDistributed(new Dense(2), name: "td");
        var wrappedCopy = (TimeDistributed)wrapped.CloneLayer();
        Assert.NotSame(wrapped.Layer, wrappedCopy.Layer);
        Assert.Equal(2, ((Dense)wrappedCopy.Layer).Units);
    }

    [Fact]
    public void FunctionalCloneKeepsSharedLayersAndFixedTrainingArguments()
    {
        var a = Keras.Input([4]);
        var b = Keras.Input([4]);
        var tied = new Dense(3, activation: "tanh", name: "tied");
        var bn = new BatchNormalization(name: "bn");
        var merged = new Graft.Layers.Merging.Add(name: "add").Call([tied.Call(a), bn.Call(tied.Call(b), training: false)]);
        var model = new Model([a, b], [new Dense(1, name: "out").Call(merged)], "m");
        var clone = model.Clone();
        Assert.Equal(model.GetConfig().ToJsonString(), clone.GetConfig().ToJsonString());
        var sharedCopy = clone.GetLayer("tied");
        Assert.NotSame(tied, sharedCopy);
        Assert.Equal(2, sharedCopy.InboundNodes.Count);
        clone.SetWeights(model.GetWeights());
        var xs = new[] { Tensor.RandomNormal([5, 4], generator: new Generator(1)), Tensor.RandomNormal([5, 4], generator: new Generator(2)) };
        Assert.Equal(model.Call(xs, training: true)[0].ToArray(), clone.Call(xs, training: true)[0].ToArray());
    }
}
